/**
 * @module The webhook notification channel against a real HTTP receiver on loopback: an emergency
 * access is POSTed once as the documented JSON (docs/api.md "Notification webhook") with the
 * bearer token and no clinical content; when the receiver fails, the notification stays queued
 * and is delivered once when it answers again.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startSystem, type RunningSystem } from '../support/running-system.ts';

const MARGARET = '9990000107';

interface Received {
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

describe('notifications through the webhook channel', () => {
  let system: RunningSystem;
  let receiver: Server;
  const received: Received[] = [];
  let failing = false;
  let waiters: (() => void)[] = [];

  async function waitFor(count: number): Promise<void> {
    while (received.length < count) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  before(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (failing) {
          response.writeHead(503).end();
          return;
        }
        received.push({
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        response.writeHead(204).end();
        const wake = waiters;
        waiters = [];
        for (const w of wake) w();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    system = await startSystem({
      sims: { size: 10 },
      config: {
        notifications: {
          webhook: { url: `http://127.0.0.1:${String(port)}/notify`, bearerToken: 'hook-secret' },
          retrySeconds: 3600,
        },
      },
    });
  });

  after(async () => {
    await system.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => {
      receiver.close(() => {
        resolve();
      });
    });
  });

  async function emergencyAccess(): Promise<void> {
    const { username, password } = await system.createUser('hospital-clinician');
    const client = system.client();
    assert.equal((await client.signIn(username, password)).status, 200);
    const response = await client.post(`/api/patients/${MARGARET}/permissions`, {
      basis: 'emergency',
      reasonCode: 'patient-unconscious',
      reason: 'Brought in unconscious',
    });
    assert.equal(response.status, 201, response.text);
  }

  test('an emergency access is posted once, as the documented JSON, with the bearer token', async () => {
    await emergencyAccess();
    await waitFor(1);
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    assert.equal(received.length, 1, 'exactly one POST');
    const [hook] = received;
    assert.ok(hook !== undefined);
    assert.equal(hook.authorization, 'Bearer hook-secret');
    assert.match(hook.contentType ?? '', /application\/json/);
    assert.deepEqual(Object.keys(hook.body).sort(), [
      'id',
      'kind',
      'link',
      'nhsNumber',
      'occurredAt',
      'organisation',
    ]);
    assert.equal(hook.body['kind'], 'emergency-access');
    assert.equal(hook.body['nhsNumber'], MARGARET);
    const organisation = hook.body['organisation'] as { odsCode: string; name: string };
    assert.equal(organisation.odsCode, 'RX1');
    assert.ok(!JSON.stringify(hook.body).includes('unconscious'), 'not even the typed reason');
  });

  test('a receiver that fails keeps the notification queued, and it is delivered once when it answers again', async () => {
    failing = true;
    await emergencyAccess();
    await system.app.notifications.runOnce();
    const pending = await system.app.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('status', '=', 'pending')
      .execute();
    assert.equal(pending.length, 1, 'queued, not lost');
    assert.ok((pending[0]?.attempts ?? 0) >= 1);
    assert.equal(received.length, 1);

    failing = false;
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    await waitFor(2);
    await system.app.notifications.runOnce({ dueBy: new Date(Date.now() + 86_400_000) });
    assert.equal(received.length, 2, 'one more POST, not two');
    assert.equal(received[1]?.body['kind'], 'emergency-access');
  });
});
