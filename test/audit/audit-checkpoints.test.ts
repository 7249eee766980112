/**
 * @module Signed checkpoints on their schedule, with one writer and with two servers on one
 * database, on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createAuditCheckpoints,
  type AuditCheckpoints,
} from '../../src/audit/audit-checkpoints.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { createCheckpointSigner, trustedKeys } from '../../src/audit/checkpoint-signer.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import type { Store } from '../../src/store/store.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewStarted } from './sample-events.ts';

const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const keys = trustedKeys([signer.publicKey]);

function writer(store: Store, every: number, seconds = 0) {
  const checkpoints = createAuditCheckpoints({
    store,
    signer,
    schedule: { checkpointEvery: every, checkpointSeconds: seconds },
  });
  const log = createAuditLog({
    store,
    onAppended: (a) => {
      checkpoints.noteAppended(a.seq);
    },
  });
  return { log, checkpoints };
}

async function until(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

const sizeOf = async (c: AuditCheckpoints): Promise<number> => (await c.latest())?.treeSize ?? 0;

forEachStore((name, open, factory) => {
  test('a checkpoint is signed once every N entries, and a last one when the writer stops', async () => {
    const store = await open();
    try {
      const { log, checkpoints } = writer(store, 5);
      for (let i = 1; i <= 12; i += 1) {
        await log.append(recordViewStarted());
        // Each 5th entry makes a checkpoint due. It covers the trail's head when it runs, and the
        // next is due 5 entries after that: waiting for it here keeps the count from racing it.
        if (i % 5 === 0) await until(async () => (await sizeOf(checkpoints)) >= i);
      }
      assert.equal(await sizeOf(checkpoints), 10);
      await checkpoints.stop();
      assert.equal(await sizeOf(checkpoints), 12);
      const verdict = await verifyAuditTrail(store, { trustedKeys: keys });
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.ok(verdict.checkpoints >= 3, `${verdict.checkpoints} checkpoints`);
    } finally {
      await store.close();
    }
  });

  test('two servers appending to one database at once make one gapless trail whose checkpoints all verify', async () => {
    const database = await factory.createDatabase();
    try {
      const [a, b] = await Promise.all([database.open(), database.open()]);
      assert.ok(a !== undefined && b !== undefined);
      const writers = [writer(a, 4), writer(b, 4)];
      await Promise.all(
        writers.flatMap((w) =>
          Array.from({ length: 8 }, async () => {
            for (let i = 0; i < 3; i += 1) await w.log.append(recordViewStarted());
          }),
        ),
      );
      await Promise.all(writers.map((w) => w.checkpoints.stop()));
      const verdict = await verifyAuditTrail(a, { trustedKeys: keys });
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.entries, 48);
      assert.equal(verdict.unsigned, 0);
    } finally {
      await database.dispose();
    }
  });

  if (name === 'sqlite') {
    test('without N new entries, the timer still signs them after checkpointSeconds', async () => {
      const store = await open();
      try {
        const { log, checkpoints } = writer(store, 1_000_000, 1);
        checkpoints.start();
        await log.append(recordViewStarted());
        await log.append(recordViewStarted());
        assert.equal(await sizeOf(checkpoints), 0);
        await until(async () => (await sizeOf(checkpoints)) === 2, 2500);
        await checkpoints.stop();
      } finally {
        await store.close();
      }
    });
  }
});
