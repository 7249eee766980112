/** @module A graceful shutdown: the balancer is told first, requests in flight finish, then the server stops. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { shutDownGracefully } from '../../src/main.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mcr-shutdown-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

function config() {
  return loadConfig({
    base: { demographics: { url: 'http://127.0.0.1:9' }, dataDir, logging: { level: 'silent' } },
    env: {},
  });
}

describe('shutting down gracefully', () => {
  test('once draining, readiness says so and responses close their connection, while requests are still served', async () => {
    const app = await buildApp(config());
    try {
      const ready = await app.server.inject({ url: '/health/ready' });
      assert.equal(ready.statusCode, 200);
      assert.notEqual(ready.headers['connection'], 'close');

      app.drain();
      const draining = await app.server.inject({ url: '/health/ready' });
      assert.equal(draining.statusCode, 503);
      assert.deepEqual(draining.json(), { status: 'unavailable', reason: 'draining' });
      const live = await app.server.inject({ url: '/health/live' });
      assert.equal(live.statusCode, 200, 'the instance still serves while it drains');
      assert.equal(live.headers['connection'], 'close');
    } finally {
      await app.close();
    }
  });

  test('the shutdown drains for the configured time, then waits for close to finish', async () => {
    const steps: string[] = [];
    const started = performance.now();
    const finished = await shutDownGracefully(
      {
        drain: () => steps.push('drain'),
        close: async () => {
          steps.push(
            `close after ${Math.round(performance.now() - started) >= 200 ? 'the drain' : 'too soon'}`,
          );
        },
      },
      { drainSeconds: 0.2, shutdownTimeoutSeconds: 5 },
    );
    assert.equal(finished, true);
    assert.deepEqual(steps, ['drain', 'close after the drain']);
  });

  test('a close that does not finish in time is reported, so the process exits 1', async () => {
    const finished = await shutDownGracefully(
      { drain: () => undefined, close: () => new Promise<void>(() => undefined) },
      { drainSeconds: 0, shutdownTimeoutSeconds: 1 },
    );
    assert.equal(finished, false);
  });
});
