/**
 * The crash test: the real server runs as a child process over a SQLite data directory while
 * clinicians keep opening records; it is killed with SIGKILL five times at random moments and
 * started again on the same directory. Afterwards the audit trail verifies (chain, checkpoints,
 * signatures) and every record a clinician actually received has its `record-view-completed` entry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserAccounts } from '../../src/access/user-accounts.ts';
import { loadPublicKey, signingKeyPath, trustedKeys } from '../../src/audit/checkpoint-signer.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startSims, type RunningSims } from '../../sim/start-sims.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { ApiClient } from '../support/running-system.ts';

const SERVER_SCRIPT = new URL('../support/server-process.ts', import.meta.url).pathname;
const KILLS = 5;
const CLIENTS = 4;
const PATIENTS = ['typical', 'discharge-medicines-differ', 'gp-only', 'child-health-visitor'].map(
  (key) => {
    const found = PERSONAS.find((persona) => persona.key === key);
    if (found === undefined) throw new Error(`no persona ${key}`);
    return found.nhsNumber;
  },
);

interface RunningChild {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<void>;
}

/** Starts the server process and resolves with its URL once it listens. */
function startServer(config: Record<string, unknown>, stderr: string[]): Promise<RunningChild> {
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: { ...process.env, MCR_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 200) stderr.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in time:\n${stderr.join('')}`));
    }, 20_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening:\n${stderr.join('')}`));
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: unknown };
        if (typeof url !== 'string') return;
        clearTimeout(timer);
        resolve({ child, url, exited });
      } catch {
        // Not the announcement.
      }
    });
  });
}

describe('the server killed with SIGKILL during record views', () => {
  let sims: RunningSims;
  let dataDir: string;

  before(async () => {
    sims = await startSims({ size: 60 });
    dataDir = mkdtempSync(join(tmpdir(), 'mcr-crash-'));
  });
  after(async () => {
    await sims.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('after five kills the trail verifies and every record received has its audit entry', async () => {
    const config = {
      demographics: { url: sims.demographicsUrl },
      sources: sims.sourcesConfig(),
      dataDir,
      server: { port: 0 },
      logging: { level: 'error' },
      // Checkpoints often, so kills also land while one is being signed.
      audit: { checkpointEvery: 10, checkpointSeconds: 1 },
    };
    const accounts = Array.from({ length: CLIENTS }, (_, i) => ({
      username: `crash.clinician.${i}`,
      password: `correct horse battery crash ${i}`,
    }));
    const setup = await openStore({ url: '', dataDir });
    try {
      const users = createUserAccounts({ db: setup.db, production: false });
      for (const account of accounts) {
        await users.add({
          ...account,
          displayName: `Crash Clinician ${account.username.slice(-1)}`,
          role: 'hospital-clinician',
          organisation: 'RXX01',
        });
      }
    } finally {
      await setup.close();
    }

    const stderr: string[] = [];
    const first = await startServer(config, stderr);
    let server: RunningChild | undefined = first;
    const clients: ApiClient[] = [];
    for (const account of accounts) {
      const client = new ApiClient(first.url);
      const signedIn = await client.signIn(account.username, account.password);
      assert.equal(signedIn.status, 200, signedIn.text);
      for (const nhsNumber of PATIENTS) {
        const granted = await client.post(`/api/patients/${nhsNumber}/permissions`, {
          basis: 'consent',
          method: 'verbal',
          givenBy: 'patient',
        });
        assert.equal(granted.status, 201, granted.text);
      }
      clients.push(client);
    }

    const received: { requestId: string; nhsNumber: string }[] = [];
    let interrupted = 0;
    let stopping = false;

    /** One clinician opening records one after another, against whichever server is up. */
    async function keepViewing(client: ApiClient, offset: number): Promise<void> {
      for (let i = offset; !stopping; i += 1) {
        const url = server?.url;
        if (url === undefined) {
          await sleep(10);
          continue;
        }
        const nhsNumber = PATIENTS[i % PATIENTS.length] ?? '';
        try {
          const response = await fetch(new URL(`/api/patients/${nhsNumber}/record`, url), {
            headers: { accept: 'application/json', cookie: client.cookie ?? '' },
            signal: AbortSignal.timeout(10_000),
          });
          const body = JSON.parse(await response.text()) as { sections?: unknown };
          const requestId = response.headers.get('x-request-id');
          if (response.status === 200 && body.sections !== undefined && requestId !== null) {
            received.push({ requestId, nhsNumber });
          } else {
            assert.equal(response.status, 200, JSON.stringify(body));
          }
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          // The server died mid-request (or was not there): the clinician got nothing.
          interrupted += 1;
          await sleep(10);
        }
      }
    }

    async function viewsReceived(count: number): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (received.length < count && Date.now() < deadline) await sleep(5);
    }

    const viewing = clients.map((client, i) => keepViewing(client, i));
    const receivedPerLife: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      const before = received.length;
      // A random moment once this life has served a few records (however loaded the machine is).
      await viewsReceived(before + 1 + Math.floor(Math.random() * 4));
      await sleep(Math.random() * 150);
      const dying: RunningChild = server;
      server = undefined;
      dying.child.kill('SIGKILL');
      await dying.exited;
      receivedPerLife.push(received.length - before);
      server = await startServer(config, stderr);
    }
    await viewsReceived(received.length + 2);
    stopping = true;
    await Promise.all(viewing);
    const last: RunningChild = server;
    last.child.kill('SIGKILL');
    await last.exited;

    // Every life of the server served records, and kills cut requests short.
    assert.ok(
      receivedPerLife.every((count) => count > 0),
      `records received in each life: ${receivedPerLife.join(', ')}\n${stderr.join('')}`,
    );
    assert.ok(interrupted > 0, 'some requests were cut short by a kill');

    const store = await openStore({ url: '', dataDir });
    try {
      const key = loadPublicKey(signingKeyPath({}, dataDir));
      const verdict = await verifyAuditTrail(store, { trustedKeys: trustedKeys([key]) });
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.ok(verdict.checkpoints > 0, 'checkpoints were signed along the way');
      assert.ok(verdict.signaturesChecked);

      const completed = new Map<string, { nhsNumber: string; outcome: string }>();
      const audit = createAuditLog({ store });
      for (let afterSeq = 0; ;) {
        const page = await audit.list({ action: 'record-view-completed', afterSeq, limit: 1000 });
        for (const record of page) {
          const { event } = record.entry;
          if (event.action === 'record-view-completed') {
            completed.set(event.requestId, { nhsNumber: event.nhsNumber, outcome: event.outcome });
          }
        }
        const tail = page.at(-1);
        if (tail === undefined) break;
        afterSeq = tail.seq;
      }
      const missing = received.filter(
        ({ requestId, nhsNumber }) =>
          completed.get(requestId)?.nhsNumber !== nhsNumber ||
          completed.get(requestId)?.outcome !== 'success',
      );
      assert.deepEqual(missing, [], `${missing.length} of ${received.length} views have no entry`);
    } finally {
      await store.close();
    }
  });
});
