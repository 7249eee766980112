/**
 * Three `mcr serve` processes on one PostgreSQL behind a real HAProxy (Debian's `haproxy`, with the
 * `defaults` and `backend` sections of deploy/haproxy.cfg as shipped). Clinicians keep opening
 * records through the balancer while one instance is killed with SIGKILL and then all three are
 * restarted one by one with SIGTERM. Afterwards: every record a clinician received has its audit
 * entries, the rolling restart failed no request, sign-in lockout and rate limits are counted
 * across all three instances, and `mcr audit verify` passes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createUserAccounts } from '../../src/access/user-accounts.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { SCHEMA_CHANGE_LOCK } from '../../src/store/postgres-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PERSONAS } from '../../sim/population/personas.ts';
import { startSims, type RunningSims } from '../../sim/start-sims.ts';
import { ApiClient, outcomeCode } from '../support/running-system.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { releasedPort } from '../sources/loopback.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'src/cli/main.ts');
const SHIPPED_HAPROXY_CONFIG = join(ROOT, 'deploy/haproxy.cfg');
const CLINICIANS = 4;
const PATIENTS = ['typical', 'discharge-medicines-differ', 'gp-only', 'child-health-visitor'].map(
  (key) => {
    const found = PERSONAS.find((persona) => persona.key === key);
    if (found === undefined) throw new Error(`no persona ${key}`);
    return found.nhsNumber;
  },
);

/** Why the cluster cannot run here, or undefined when it can. Under CI=true that is a failure. */
async function unavailable(): Promise<string | undefined> {
  if (spawnSync('haproxy', ['-v']).status !== 0)
    return 'haproxy is not installed (apt-get install haproxy)';
  const client = new pg.Client({
    connectionString: testDatabaseUrl,
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL is unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The shipped HAProxy configuration with the test's own `global` (foreground, an admin socket)
 * and `frontend` (loopback, no TLS), and the backend's servers on the test's ports.
 */
function renderHaproxyConfig(input: {
  lbPort: number;
  ports: readonly number[];
  adminSocket: string;
}): string {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(SHIPPED_HAPROXY_CONFIG, 'utf8').split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('#')) {
      current = [line];
      sections.set(line.split(/\s+/)[0] ?? line, current);
    } else if (current !== undefined && !/^\s*#/.test(line)) {
      current.push(line);
    }
  }
  const defaults = sections.get('defaults');
  const backend = sections.get('backend');
  assert.ok(
    defaults !== undefined && backend !== undefined,
    'deploy/haproxy.cfg has defaults and a backend',
  );
  const backendName = (backend[0] ?? '').split(/\s+/)[1] ?? '';
  const servers = input.ports.map((port, i) => `    server mcr${i + 1} 127.0.0.1:${port} check`);
  return [
    'global',
    '    maxconn 1024',
    `    stats socket ${input.adminSocket} mode 600 level admin`,
    ...defaults,
    `frontend test`,
    `    bind 127.0.0.1:${input.lbPort}`,
    `    default_backend ${backendName}`,
    ...backend.filter((line) => !/^\s*server\s/.test(line)),
    ...servers,
    '',
  ].join('\n');
}

/** Asks HAProxy's admin socket which backend servers are UP. */
async function serversUp(adminSocket: string): Promise<Set<string>> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(adminSocket);
    let out = '';
    socket.on('data', (chunk) => (out += chunk.toString('utf8')));
    socket.on('end', () => {
      resolve(out);
    });
    socket.on('error', reject);
    socket.write('show stat\n');
  });
  const up = new Set<string>();
  for (const line of text.split('\n')) {
    const [, server, , , , , , , , , , , , , , , , status] = line.split(',');
    if (server !== undefined && /^mcr\d$/.test(server) && status === 'UP') up.add(server);
  }
  return up;
}

interface Instance {
  readonly name: string;
  readonly port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

describe('three instances on one PostgreSQL behind HAProxy', () => {
  let reason: string | undefined;
  let sims: RunningSims | undefined;
  let dir: string;
  let haproxy: ChildProcess | undefined;
  const schema = `mcr_cluster_${randomBytes(5).toString('hex')}`;
  const instances: Instance[] = [];
  const stderr: string[] = [];

  before(async () => {
    reason = await unavailable();
    dir = mkdtempSync(join(tmpdir(), 'mcr-cluster-'));
  });

  after(async () => {
    haproxy?.kill('SIGKILL');
    for (const instance of instances) instance.child.kill('SIGKILL');
    await Promise.race([Promise.all(instances.map((instance) => instance.exited)), sleep(10_000)]);
    await sims?.close();
    rmSync(dir, { recursive: true, force: true });
    if (reason === undefined) {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    }
  });

  test('a SIGKILL and a rolling restart: every record received is audited and the trail verifies', async (t) => {
    if (reason !== undefined) {
      if (process.env['CI'] === 'true') assert.fail(reason);
      t.skip(reason);
      return;
    }
    // The hospital answers slowly, so a SIGTERM always finds views in flight.
    sims = await startSims({ size: 60, faults: { hospital: { kind: 'latency', ms: 150 } } });
    const databaseUrl = testDatabaseUrl;
    const keyFile = join(dir, 'signing-key.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const configFile = join(dir, 'config.yaml');
    // JSON is YAML: the same file `mcr serve` and `mcr audit verify` read.
    writeFileSync(
      configFile,
      JSON.stringify({
        demographics: { url: sims.demographicsUrl },
        sources: sims.sourcesConfig(),
        dataDir: join(dir, 'data'),
        database: { url: databaseUrl, schema },
        server: {
          host: '127.0.0.1',
          trustProxy: true,
          drainSeconds: 1.5,
          shutdownTimeoutSeconds: 20,
        },
        logging: { level: 'error' },
        sessions: { maxFailedLogins: 5, lockoutMinutes: 15 },
        rateLimit: { signIn: { max: 9, windowSeconds: 60, maxBackoffSeconds: 600 } },
        audit: {
          signingKeyFile: keyFile,
          witness: join(dir, 'witness.jsonl'),
          checkpointEvery: 25,
          checkpointSeconds: 2,
        },
      }),
    );

    const accounts = Array.from({ length: CLINICIANS }, (_, i) => ({
      username: `cluster.clinician.${i}`,
      password: `correct horse battery cluster ${i}`,
    }));
    const setup = await openStore({ url: databaseUrl, dataDir: dir, schema });
    try {
      const users = createUserAccounts({ db: setup.db, production: false });
      for (const account of accounts) {
        await users.add({
          ...account,
          displayName: `Cluster Clinician ${account.username.slice(-1)}`,
          role: 'hospital-clinician',
          organisation: 'RXX01',
        });
      }
    } finally {
      await setup.close();
    }

    // Three instances, each on a port of its own.
    const ports = [await releasedPort(), await releasedPort(), await releasedPort()];
    const lbPort = await releasedPort();
    const adminSocket = join(dir, 'haproxy.sock');

    /** Starts `mcr serve` on the instance's port and resolves once it listens. */
    async function start(instance: Pick<Instance, 'name' | 'port'>): Promise<Instance> {
      const child = spawn(process.execPath, [CLI, 'serve', '--config', configFile], {
        env: { ...process.env, MCR_PORT: String(instance.port), NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr.push(`[${instance.name}] ${chunk.toString('utf8')}`);
        if (stderr.length > 200) stderr.shift();
      });
      await new Promise<void>((resolve, reject) => {
        // Generous: on a loaded 2-core machine a start (and its migration check) can be slow.
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${instance.name} did not start:\n${stderr.join('')}`));
        }, 90_000);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(
            new Error(`${instance.name} exited (${code}) before listening:\n${stderr.join('')}`),
          );
        });
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
          if (line.includes('listening at')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      return { ...instance, child, exited };
    }

    /** Waits until HAProxy's health checks have every named server UP. */
    async function waitUntilUp(names: readonly string[]): Promise<void> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const up = await serversUp(adminSocket).catch(() => new Set<string>());
        if (names.every((name) => up.has(name))) return;
        if (Date.now() > deadline) throw new Error(`not UP in HAProxy: ${names.join(', ')}`);
        await sleep(100);
      }
    }

    for (const [i, port] of ports.entries())
      instances.push(await start({ name: `mcr${i + 1}`, port }));
    const haproxyConfig = join(dir, 'haproxy.cfg');
    writeFileSync(haproxyConfig, renderHaproxyConfig({ lbPort, ports, adminSocket }));
    const check = spawnSync('haproxy', ['-c', '-f', haproxyConfig], { encoding: 'utf8' });
    assert.equal(check.status, 0, `haproxy -c: ${check.stdout}${check.stderr}`);
    haproxy = spawn('haproxy', ['-db', '-f', haproxyConfig], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    haproxy.stderr?.on('data', (chunk: Buffer) =>
      stderr.push(`[haproxy] ${chunk.toString('utf8')}`),
    );
    await waitUntilUp(instances.map((instance) => instance.name));
    const lbUrl = `http://127.0.0.1:${lbPort}`;

    // Each clinician signs in and records permission through the balancer (any instance may answer).
    const clients: ApiClient[] = [];
    for (const account of accounts) {
      const client = new ApiClient(lbUrl);
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

    type Phase = 'steady' | 'kill' | 'rolling';
    let phase: Phase = 'steady';
    let stopping = false;
    const received: { requestId: string; nhsNumber: string; streamed: boolean }[] = [];
    const failed: { phase: Phase; what: string }[] = [];

    /** One clinician opening records one after another: JSON views, and every third one streamed. */
    async function keepViewing(client: ApiClient, offset: number): Promise<void> {
      for (let i = offset; !stopping; i += 1) {
        const startedIn = phase;
        const nhsNumber = PATIENTS[i % PATIENTS.length] ?? '';
        const streamed = i % 3 === 0;
        const path = `/api/patients/${nhsNumber}/record${streamed ? '/stream' : ''}`;
        try {
          const response = await fetch(new URL(path, lbUrl), {
            headers: {
              accept: streamed ? 'text/event-stream' : 'application/json',
              cookie: client.cookie ?? '',
            },
            signal: AbortSignal.timeout(20_000),
          });
          const text = await response.text();
          const requestId = response.headers.get('x-request-id');
          const complete = streamed
            ? text.includes('event: complete')
            : text.includes('"sections"');
          if (response.status === 200 && complete && requestId !== null) {
            received.push({ requestId, nhsNumber, streamed });
          } else {
            failed.push({
              phase: startedIn,
              what: `${path} ${response.status} ${text.slice(0, 200)}`,
            });
          }
        } catch (error) {
          failed.push({ phase: startedIn, what: `${path} ${String(error)}` });
          await sleep(20);
        }
      }
    }

    async function receivedAtLeast(count: number): Promise<void> {
      const deadline = Date.now() + 60_000;
      while (received.length < count && Date.now() < deadline) await sleep(10);
      assert.ok(received.length >= count, `only ${received.length} records received`);
    }

    const viewing = clients.map((client, i) => keepViewing(client, i));
    await receivedAtLeast(12);

    // One instance dies mid-load. Its in-flight requests may fail; the others carry on.
    phase = 'kill';
    const victim = instances[1];
    assert.ok(victim !== undefined);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const beforeRestart = received.length;
    await receivedAtLeast(beforeRestart + 8);
    instances[1] = await start(victim);
    await waitUntilUp(instances.map((instance) => instance.name));

    // A graceful rolling restart: SIGTERM, drain, exit 0, start again — no request may fail.
    phase = 'rolling';
    const rollingFrom = received.length;
    const rollingSince = new Date().toISOString();
    for (const [i, instance] of instances.entries()) {
      instance.child.kill('SIGTERM');
      const code = await instance.exited;
      assert.equal(code, 0, `${instance.name} exited ${code} after SIGTERM:\n${stderr.join('')}`);
      instances[i] = await start(instance);
      await waitUntilUp(instances.map((running) => running.name));
      await receivedAtLeast(received.length + 4);
    }
    stopping = true;
    await Promise.all(viewing);

    t.diagnostic(
      `${received.length} records received (${received.length - rollingFrom} during the rolling restart); ` +
        `${failed.filter((failure) => failure.phase === 'kill').length} cut short by the kill`,
    );
    const rollingFailures = failed.filter((failure) => failure.phase === 'rolling');
    assert.deepEqual(rollingFailures, [], 'the rolling restart failed no request');
    assert.ok(
      received.length - rollingFrom >= 12,
      'records were served throughout the rolling restart',
    );
    assert.ok(
      received.some((view) => view.streamed),
      'streamed views were served too',
    );

    // An attacker guessing one clinician's password, each guess to the next instance in turn: no
    // instance sees enough guesses on its own to lock or throttle, so only shared counts stop it.
    const attacker = '203.0.113.9';
    const guesses: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const port = instances[attempt % instances.length]?.port ?? 0;
      const response = await fetch(`http://127.0.0.1:${port}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': attacker },
        body: JSON.stringify({ username: accounts[0]?.username, password: `guess ${attempt}` }),
      });
      guesses.push(outcomeCode(await response.json()));
    }
    assert.deepEqual(
      guesses,
      [
        ...Array.from({ length: 5 }, () => 'BAD_CREDENTIALS'),
        ...Array.from({ length: 4 }, () => 'ACCOUNT_LOCKED'),
        ...Array.from({ length: 3 }, () => 'RATE_LIMITED'),
      ],
      'lockout after 5 failures and the sign-in limit after 9 attempts, counted across all three instances',
    );
    // The clinician, signing in from their own address through the balancer, is not locked out.
    const ownAddress = await new ApiClient(lbUrl).signIn(
      accounts[0]?.username ?? '',
      accounts[0]?.password ?? '',
    );
    assert.equal(ownAddress.status, 200, ownAddress.text);

    // Every record a clinician received has its start and its successful end in the one trail.
    const store = await openStore({ url: databaseUrl, dataDir: dir, schema });
    try {
      const audit = createAuditLog({ store });
      const started = new Set<string>();
      const startedInRolling = new Set<string>();
      const completed = new Map<string, string>();
      for (let afterSeq = 0; ;) {
        const page = await audit.list({ afterSeq, limit: 1000 });
        for (const { entry } of page) {
          const { event } = entry;
          if (event.action === 'record-view-started') {
            started.add(event.requestId);
            if (event.time >= rollingSince) startedInRolling.add(event.requestId);
          }
          if (event.action === 'record-view-completed')
            completed.set(event.requestId, event.outcome);
        }
        const tail = page.at(-1);
        if (tail === undefined) break;
        afterSeq = tail.seq;
      }
      const missing = received.filter(
        ({ requestId }) => !started.has(requestId) || completed.get(requestId) !== 'success',
      );
      assert.deepEqual(
        missing,
        [],
        `${missing.length} of ${received.length} records have no audit entries`,
      );
      // Graceful means in-flight views finished: none started during the rolling restart was cut off
      // (a balancer retry would hide that from the client, not from the trail).
      const unfinished = [...startedInRolling].filter((requestId) => !completed.has(requestId));
      assert.deepEqual(
        unfinished,
        [],
        'every view started during the rolling restart has its end entry',
      );
    } finally {
      await store.close();
    }

    const verify = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--config', configFile], {
      encoding: 'utf8',
      env: { ...process.env },
    });
    assert.equal(verify.status, 0, `mcr audit verify: ${verify.stdout}${verify.stderr}`);
    assert.match(verify.stdout, /intact/i);
  });
});
