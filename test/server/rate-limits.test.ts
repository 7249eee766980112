import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { forEachStore, type TestDatabase } from '../support/test-database.ts';
import { outcomeCode } from '../support/running-system.ts';
import { send, type Answer } from '../support/loopback-request.ts';

const signIn = (base: string, from: string, username: string, password: string) =>
  send(base, from, 'POST', '/api/session', { username, password });

const limits = {
  api: { max: 20, windowSeconds: 60 },
  signIn: { max: 6, windowSeconds: 60, maxBackoffSeconds: 600 },
  signInGlobal: { max: 30, windowSeconds: 60 },
};

async function startInstance(database: TestDatabase): Promise<{ app: App; url: string }> {
  const config = loadConfig({
    base: {
      demographics: { url: 'http://127.0.0.1:1' },
      server: { port: 0 },
      logging: { level: 'silent' },
      sessions: { maxFailedLogins: 3, lockoutMinutes: 15 },
      rateLimit: limits,
    },
    env: {},
  });
  const app = await buildApp(config, { store: await database.open(), webRoot: undefined });
  const url = await app.server.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

forEachStore((_dialect, _open, factory) => {
  void describe('sign-in rate limits and lockout, with two server instances on one database', () => {
    let database: TestDatabase;
    let first: { app: App; url: string };
    let second: { app: App; url: string };
    const password = 'the right password, long enough';

    before(async () => {
      database = await factory.createDatabase();
      first = await startInstance(database);
      second = await startInstance(database);
      await first.app.services.accounts.add({
        username: 'dr.legit',
        role: 'gp',
        organisation: 'A81001',
        password,
      });
    });
    after(async () => {
      await first.app.close();
      await second.app.close();
      await database.dispose();
    });

    void test('an attacker guessing from one address is locked there and then throttled by both instances, while the clinician signs in from their own', async () => {
      const attacker = '127.0.0.2';
      const answers: Answer[] = [];
      // Alternate instances: the counts live in the shared database, not in either process.
      for (let attempt = 0; attempt < 9; attempt += 1) {
        const instance = attempt % 2 === 0 ? first : second;
        answers.push(await signIn(instance.url, attacker, 'dr.legit', `guess number ${attempt}`));
      }
      const codes = answers.map((answer) => outcomeCode(answer.body));
      assert.deepEqual(codes.slice(0, 3), [
        'BAD_CREDENTIALS',
        'BAD_CREDENTIALS',
        'BAD_CREDENTIALS',
      ]);
      // Three failures lock dr.legit at this address, on either instance, even for the right password.
      assert.deepEqual(codes.slice(3, 6), ['ACCOUNT_LOCKED', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
      // Past six attempts a minute the address is refused before any password is checked.
      assert.deepEqual(codes.slice(6), ['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      const waits = answers.slice(6).map((answer) => Number(answer.headers['retry-after']));
      for (const answer of answers.slice(6)) {
        assert.equal(answer.status, 429);
        assert.match(String(answer.headers['content-type']), /^application\/fhir\+json/);
        assert.match(String(answer.headers['content-security-policy']), /default-src 'none'/);
      }
      // Backoff: each attempt over the limit doubles the wait.
      assert.ok(
        waits[0] !== undefined && waits[0] > 0 && waits[0] <= 60,
        `waits ${waits.join(' ')}`,
      );
      assert.ok(
        (waits[1] ?? 0) > 60 && (waits[2] ?? 0) > (waits[1] ?? 0),
        `waits ${waits.join(' ')}`,
      );
      const rightPassword = await signIn(second.url, attacker, 'dr.legit', password);
      assert.equal(rightPassword.status, 429);

      const clinician = await signIn(first.url, '127.0.0.1', 'dr.legit', password);
      assert.equal(clinician.status, 200, JSON.stringify(clinician.body));
      const onTheOther = await signIn(second.url, '127.0.0.1', 'dr.legit', password);
      assert.equal(onTheOther.status, 200);
    });

    void test('invented usernames add no rows of their own: one address keeps a bounded number', async () => {
      const prober = '127.0.0.3';
      for (let i = 0; i < 6; i += 1) {
        const answer = await signIn(first.url, prober, `invented.${i}`, 'not a real password');
        assert.equal(outcomeCode(answer.body), 'BAD_CREDENTIALS');
      }
      const rows = await first.app.store.db
        .selectFrom('login_failures')
        .select(['slot'])
        .where('address', '=', prober)
        .execute();
      assert.ok(rows.length >= 1 && rows.length <= 6, `${rows.length} rows`);
      const everything = await first.app.store.db
        .selectFrom('login_failures')
        .selectAll()
        .execute();
      assert.equal(JSON.stringify(everything).includes('invented'), false);
    });

    void test('the API limit counts every request from an address, per instance', async () => {
      const busy = '127.0.0.4';
      const answers: Answer[] = [];
      for (let i = 0; i <= limits.api.max; i += 1) {
        answers.push(await send(first.url, busy, 'GET', '/api/auth/providers'));
      }
      assert.deepEqual(
        answers.slice(0, limits.api.max).map((answer) => answer.status),
        Array.from({ length: limits.api.max }, () => 200),
      );
      const refused = answers.at(-1);
      assert.equal(refused?.status, 429);
      assert.equal(outcomeCode(refused?.body), 'RATE_LIMITED');
      assert.ok(Number(refused?.headers['retry-after']) > 0);
      // Unknown paths are counted too, and health probes never are.
      assert.equal((await send(first.url, busy, 'GET', '/api/nowhere')).status, 429);
      assert.equal((await send(first.url, busy, 'GET', '/health/live')).status, 200);
      // In memory: the other instance has its own count.
      assert.equal((await send(second.url, busy, 'GET', '/api/auth/providers')).status, 200);
    });

    void test('attempts from many addresses together meet the global sign-in limit', async () => {
      const statuses: (string | undefined)[] = [];
      // Each address stays within its own limit; together they pass the global one.
      for (let host = 10; host < 16; host += 1) {
        for (let i = 0; i < 5; i += 1) {
          const instance = i % 2 === 0 ? first : second;
          const answer = await signIn(instance.url, `127.0.0.${host}`, `spray.${i}`, 'a guess');
          statuses.push(outcomeCode(answer.body));
        }
      }
      assert.ok(statuses.includes('RATE_LIMITED'), statuses.join(' '));
      const refusedAt = statuses.indexOf('RATE_LIMITED');
      // Earlier attempts (dr.legit's, the probes') counted too, so the limit arrives a little sooner.
      assert.ok(refusedAt > 0 && refusedAt <= limits.signInGlobal.max, `${refusedAt}`);
      assert.ok(statuses.slice(refusedAt).every((code) => code === 'RATE_LIMITED'));
    });
  });
});
