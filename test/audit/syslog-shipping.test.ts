/**
 * Audit entries reach a SIEM as syslog over TLS: a real TLS receiver on loopback, with a
 * certificate made for the test by openssl, reads RFC 5425 octet-counted RFC 5424 messages.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { frameSyslogMessage } from '../../src/audit/syslog-shipper.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcr-syslog-'));
const keyFile = join(dir, 'key.pem');
const certFile = join(dir, 'cert.pem');

/** A syslog-over-TLS receiver that splits the stream into octet-counted frames. */
class Receiver {
  readonly messages: string[] = [];
  readonly sockets = new Set<TLSSocket>();
  server: Server | undefined;

  async listen(port = 0): Promise<number> {
    const server = createServer(
      { key: readFileSync(keyFile), cert: readFileSync(certFile) },
      (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        let buffered = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          for (;;) {
            const space = buffered.indexOf(0x20);
            if (space < 0) return;
            const length = Number(buffered.subarray(0, space).toString('ascii'));
            if (buffered.length < space + 1 + length) return;
            this.messages.push(buffered.subarray(space + 1, space + 1 + length).toString('utf8'));
            buffered = buffered.subarray(space + 1 + length);
          }
        });
        socket.on('error', () => undefined);
      },
    );
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    const address = server.address();
    assert.ok(address !== null && typeof address !== 'string');
    return address.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    // The receiver goes away: its connections too.
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (this.messages.length < count && Date.now() < deadline) await sleep(20);
    assert.ok(this.messages.length >= count, `received ${this.messages.length} of ${count}`);
  }
}

/** The parts of an RFC 5424 message this project writes. */
function parse(message: string) {
  const match =
    /^<(\d+)>1 (\S+) (\S+) my-care-record (\S+) (\S+) \[mcr@32473 seq="(\d+)" hash="([0-9a-f]+)" prevHash="([0-9a-f]+)"\] \uFEFF(\{.*\})$/su.exec(
      message,
    );
  assert.ok(match !== null, `not an RFC 5424 message of ours: ${message.slice(0, 200)}`);
  const entry = JSON.parse(match[9] ?? '') as { event: { action: string } };
  return { pri: Number(match[1]), host: match[3], msgId: match[5], seq: Number(match[6]), entry };
}

describe('shipping the audit trail to a SIEM over syslog/TLS', () => {
  const receiver = new Receiver();
  let port: number;
  let app: App;

  before(async () => {
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    port = await receiver.listen();
    app = await buildApp(
      loadConfig({
        base: {
          demographics: { url: 'http://127.0.0.1:9' },
          dataDir: join(dir, 'data'),
          logging: { level: 'silent' },
          audit: {
            syslog: { url: `tls://127.0.0.1:${port}`, caFile: certFile, hostname: 'mcr-test' },
          },
        },
        env: {},
      }),
    );
  });
  after(async () => {
    await app.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A failed sign-in: one audit entry, no clinical content. */
  async function failSignIn(username: string): Promise<void> {
    const response = await app.server.inject({
      method: 'POST',
      url: '/api/session',
      payload: { username, password: 'not the password' },
    });
    assert.equal(response.statusCode, 401);
  }

  test('each entry arrives once, in order, as an RFC 5424 message with its place in the chain', async () => {
    for (let i = 0; i < 5; i += 1) await failSignIn(`nobody.${i}`);
    await receiver.waitFor(5);
    const parsed = receiver.messages.map(parse);
    assert.deepEqual(
      parsed.map((message) => message.seq),
      [1, 2, 3, 4, 5],
    );
    for (const message of parsed) {
      assert.equal(message.pri, 110, 'facility log audit, severity informational');
      assert.equal(message.host, 'mcr-test');
      assert.equal(message.msgId, message.entry.event.action);
    }
  });

  test('entries appended while the SIEM is down arrive once it is back', async () => {
    await receiver.close();
    const before = receiver.messages.length;
    for (let i = 0; i < 3; i += 1) await failSignIn(`while.down.${i}`);
    await sleep(300);
    await receiver.listen(port);
    await receiver.waitFor(before + 3);
    const seqs = receiver.messages.map((message) => parse(message).seq);
    assert.deepEqual(seqs.slice(-3), [6, 7, 8]);
    assert.equal(new Set(seqs).size, seqs.length, 'no entry twice');
  });

  test('framing counts bytes, not characters', () => {
    assert.equal(frameSyslogMessage('é').toString('utf8'), '2 é');
  });
});
