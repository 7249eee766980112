/** `mcr sources check`: asks each configured source for its CapabilityStatement, against the real sims. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/run-cli.ts';
import { GPC_METADATA_INTERACTION } from '../../src/cli/commands/sources-check.ts';
import { startSims, type RunningSims } from '../../sim/start-sims.ts';

describe('mcr sources check', () => {
  let sims: RunningSims;
  let listening: Server;
  let seen: IncomingHttpHeaders | undefined;
  let configFile: string;

  before(async () => {
    sims = await startSims({ size: 20 });
    // A GP Connect provider that only records what it was sent.
    listening = createServer((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      res.end(
        JSON.stringify({
          resourceType: 'CapabilityStatement',
          fhirVersion: '3.0.1',
          software: { name: 'Recorder', version: '2' },
        }),
      );
    });
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );

    const dir = mkdtempSync(join(tmpdir(), 'mcr-sources-check-'));
    configFile = join(dir, 'mcr.yaml');
    writeFileSync(
      configFile,
      stringify({
        demographics: { url: sims.demographicsUrl },
        dataDir: dir,
        sources: [
          ...sims.sourcesConfig(),
          {
            id: 'recorder',
            name: 'Recording practice',
            organisation: 'Y12345',
            kind: 'gp-connect',
            url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/gpc`,
            asid: '918999198999',
          },
          {
            id: 'switched-off',
            name: 'Switched-off hospital',
            organisation: 'RZZ99',
            kind: 'fhir-r4',
            url: `http://127.0.0.1:${closedPort}/fhir`,
            timeoutMs: 500,
          },
        ],
      }),
    );
  });
  after(async () => {
    await sims.close();
    await new Promise<void>((resolve) =>
      listening.close(() => {
        resolve();
      }),
    );
  });

  test('reports each source’s FHIR version and software, says plainly which cannot be reached, and exits 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['sources', 'check', '--config', configFile], {
      stdout: (line) => out.push(line),
      stderr: (line) => err.push(line),
      stdin: process.stdin,
      env: {},
    });
    assert.equal(code, 1, err.join('\n'));
    const line = (id: string): string => out.find((l) => l.startsWith(`${id} `)) ?? '';
    assert.match(line('gp-a81001'), /\bok\b.*FHIR 3\.0\.1\s+My Care Record GP Connect simulator/);
    assert.match(line('hospital'), /\bok\b.*FHIR 4\.0\.1/);
    assert.match(line('switched-off'), /unreachable.*refused the connection/);
    assert.match(line('recorder'), /\bok\b.*FHIR 3\.0\.1\s+Recorder 2/);
  });

  test('asks a GP Connect provider with the Spine headers and the metadata interaction id', async () => {
    seen = undefined;
    const out: string[] = [];
    await runCli(['sources', 'check', '--config', configFile, '--json'], {
      stdout: (line) => out.push(line),
      stderr: () => undefined,
      stdin: process.stdin,
      env: {},
    });
    assert.equal(seen?.['ssp-interactionid'], GPC_METADATA_INTERACTION);
    assert.equal(seen['ssp-to'], '918999198999');
    assert.match(String(seen['ssp-traceid']), /^[0-9a-f-]{36}$/);
    assert.match(String(seen['authorization']), /^Bearer [\w-]+\.[\w-]+\.$/);
    const checks = JSON.parse(out.join('\n')) as {
      id: string;
      result: string;
      elapsedMs: number;
    }[];
    assert.equal(checks.find((c) => c.id === 'switched-off')?.result, 'unreachable');
    assert.ok(checks.every((c) => typeof c.elapsedMs === 'number'));
  });
});
