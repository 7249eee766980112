/**
 * @module The audit trail's Merkle tiles in the database, on SQLite and PostgreSQL: appends write
 * them in their own transaction (also from two servers on one database), proofs come from them
 * and check against the signed checkpoint, a database from before tiles gets them when a server
 * starts, and `mcr audit verify` reports a tampered tile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { createAuditCheckpoints, entryLeafHash } from '../../src/audit/audit-checkpoints.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { createAuditProofs } from '../../src/audit/audit-proofs.ts';
import { createAuditSigning } from '../../src/audit/audit-signing.ts';
import { createTileProofs, storedTileSize } from '../../src/audit/audit-tiles.ts';
import { createCheckpointSigner, trustedKeys } from '../../src/audit/checkpoint-signer.ts';
import { runAuditVerify } from '../../src/audit/verify-command.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import { verifyConsistency, verifyInclusion } from '../../src/shared/merkle-proof.ts';
import type { Store } from '../../src/store/store.ts';
import { MerkleTree } from '../support/merkle-tree.ts';
import { writeSyntheticTrail } from '../support/synthetic-audit-trail.ts';
import { forEachStore } from '../support/test-database.ts';
import { recordViewCompleted, recordViewStarted } from './sample-events.ts';

const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const keys = trustedKeys([signer.publicKey]);

/** The whole tree rebuilt from the stored entries: the reference the tiles must agree with. */
async function treeOfEntries(store: Store): Promise<MerkleTree> {
  const rows = await store.db.selectFrom('audit_entries').select('entry').orderBy('seq').execute();
  return MerkleTree.of(rows.map((row) => entryLeafHash(row.entry)));
}

function signedWriter(store: Store) {
  const checkpoints = createAuditCheckpoints({
    store,
    signer,
    schedule: { checkpointEvery: 1_000_000, checkpointSeconds: 0 },
  });
  const proofs = createAuditProofs({
    store,
    checkpoints,
    publicKeyPem: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  return { log: createAuditLog({ store }), checkpoints, proofs };
}

const widths = async (store: Store): Promise<string[]> =>
  (
    await store.db
      .selectFrom('audit_tiles')
      .select(['level', 'tile_index', 'width'])
      .orderBy('level')
      .orderBy('tile_index')
      .execute()
  ).map((row) => `${row.level}/${row.tile_index}:${row.width}`);

forEachStore((_name, open, factory) => {
  test('600 entries appended by 8 writers at once leave tiles whose proofs are the whole tree’s', async () => {
    const store = await open();
    try {
      const { log } = signedWriter(store);
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 75; i += 1) await log.append(recordViewStarted());
        }),
      );
      // Two full tiles of leaves, the third partial, and the heads of the full ones one level up.
      assert.deepEqual(await widths(store), ['0/0:256', '0/1:256', '0/2:88', '1/0:2']);
      const reference = await treeOfEntries(store);
      const tiles = createTileProofs(store.db);
      for (const size of [1, 255, 256, 257, 511, 512, 600]) {
        assert.deepEqual(await tiles.head(size), reference.head(size), `head at ${size}`);
        for (const index of [0, size - 1, Math.floor(size / 2)]) {
          assert.deepEqual(
            await tiles.inclusionProof(index, size),
            reference.inclusionProof(index, size),
          );
        }
        assert.deepEqual(
          await tiles.consistencyProof(Math.min(100, size), size),
          reference.consistencyProof(Math.min(100, size), size),
        );
      }
    } finally {
      await store.close();
    }
  });

  test('an entry’s proof from tiles leads to the signed checkpoint, and two checkpoints are shown consistent', async () => {
    const store = await open();
    try {
      const { log, checkpoints, proofs } = signedWriter(store);
      for (let i = 0; i < 300; i += 1) await log.append(recordViewCompleted());
      const first = await checkpoints.checkpointNow();
      for (let i = 0; i < 40; i += 1) await log.append(recordViewStarted());
      const answer = await proofs.proofFor(320);
      assert.ok(answer.ok, JSON.stringify(answer));
      const { proof } = answer;
      assert.equal(proof.checkpoint.treeSize, 340, 'a new checkpoint is signed to cover it');
      assert.equal(proof.verified, true);
      assert.ok(
        await verifyInclusion(
          319,
          340,
          Buffer.from(proof.leafHash, 'hex'),
          proof.proof.map((p) => Buffer.from(p, 'hex')),
          Buffer.from(proof.checkpoint.rootHash, 'hex'),
        ),
      );
      assert.equal(await proofs.headAt(300), first?.rootHash);
      const consistency = await proofs.consistencyProof(300, 340);
      assert.ok(
        await verifyConsistency(
          300,
          340,
          Buffer.from(first?.rootHash ?? '', 'hex'),
          Buffer.from(proof.checkpoint.rootHash, 'hex'),
          consistency.map((p) => Buffer.from(p, 'hex')),
        ),
      );
    } finally {
      await store.close();
    }
  });

  test('an append that is refused writes no tile, and the next one carries on from the last committed', async () => {
    const store = await open();
    try {
      const { log } = signedWriter(store);
      for (let i = 0; i < 10; i += 1) await log.append(recordViewCompleted());
      await assert.rejects(
        log.appendWith(() => Promise.reject(new Error('already reviewed'))),
        /already reviewed/,
      );
      await assert.rejects(
        log.append({ ...recordViewCompleted(), action: 'no-such-action' } as never),
      );
      assert.deepEqual(await widths(store), ['0/0:10']);
      await log.append(recordViewCompleted());
      assert.deepEqual(await widths(store), ['0/0:11']);
      const reference = await treeOfEntries(store);
      assert.deepEqual(await createTileProofs(store.db).head(11), reference.head());
    } finally {
      await store.close();
    }
  });

  test('two servers appending in turn to one database keep one set of tiles', async () => {
    const database = await factory.createDatabase();
    try {
      const [a, b] = [await database.open(), await database.open()];
      const [logA, logB] = [createAuditLog({ store: a }), createAuditLog({ store: b })];
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(Array.from({ length: 30 }, () => logA.append(recordViewCompleted())));
        await Promise.all(Array.from({ length: 25 }, () => logB.append(recordViewStarted())));
      }
      assert.equal(await storedTileSize(a.db), 330);
      const reference = await treeOfEntries(a);
      assert.deepEqual(await createTileProofs(b.db).head(330), reference.head());
      const verdict = await verifyAuditTrail(a);
      assert.ok(verdict.ok && verdict.tilesComplete, JSON.stringify(verdict));
      assert.equal(verdict.tileHashesChecked, 330 + 1);
    } finally {
      await database.dispose();
    }
  });

  test('a database from before tiles gets them when a server starts, and appends go on tiling', async () => {
    const database = await factory.createDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'mcr-tiles-'));
    try {
      // The previous version: no tiles table (migration 0010 never applied), and a trail of
      // entries with their signed checkpoints.
      const old = await database.open();
      await sql`drop table audit_tiles`.execute(old.db);
      await sql`delete from kysely_migration where name >= '0010'`.execute(old.db);
      await writeSyntheticTrail(old, { entries: 1500, signer, checkpointEvery: 500 });
      await old.close();

      // Upgraded: opening it migrates, and the tiles table is there but empty.
      const store = await database.open();
      assert.equal(await storedTileSize(store.db), 0);
      const before = await verifyAuditTrail(store, { trustedKeys: keys });
      assert.ok(before.ok && !before.tilesComplete, JSON.stringify(before));
      const lines: string[] = [];
      await runAuditVerify(store, (line) => lines.push(line), { trustedKeys: keys });
      assert.match(lines[0] ?? '', /intact.*Merkle tiles .* behind the entries/);

      // The server starts: its signing catches the tiles up beside the appends.
      const signing = createAuditSigning({
        store,
        settings: { checkpointEvery: 1_000_000, checkpointSeconds: 0 },
        dataDir,
      });
      const log = createAuditLog({ store, onAppended: signing.onAppended });
      await Promise.all(Array.from({ length: 20 }, () => log.append(recordViewCompleted())));
      // Nobody asks: the start-up catch-up alone brings the tiles to the last entry.
      const deadline = Date.now() + 20_000;
      while ((await storedTileSize(store.db)) < 1520) {
        assert.ok(Date.now() < deadline, 'the tiles were not caught up');
        await sleep(20);
      }
      const answer = await signing.proofs.proofFor(1234);
      assert.ok(answer.ok && answer.proof.verified, JSON.stringify(answer));
      for (let i = 0; i < 30; i += 1) await log.append(recordViewStarted());
      await signing.stop();

      assert.equal(await storedTileSize(store.db), 1550);
      const reference = await treeOfEntries(store);
      assert.deepEqual(await createTileProofs(store.db).head(1550), reference.head());
      const after = await verifyAuditTrail(store);
      assert.ok(after.ok && after.tilesComplete, JSON.stringify(after));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await database.dispose();
    }
  });

  test('a tampered tile is reported by verify, and no proof through it is handed out', async () => {
    const store = await open();
    try {
      const { log, checkpoints, proofs } = signedWriter(store);
      for (let i = 0; i < 700; i += 1) await log.append(recordViewCompleted());
      await checkpoints.checkpointNow();
      // Someone rewrites leaf hash 17 of the second tile of leaves (entry 256 + 17 + 1 = 274).
      const row = await store.db
        .selectFrom('audit_tiles')
        .select('hashes')
        .where('level', '=', 0)
        .where('tile_index', '=', 1)
        .executeTakeFirstOrThrow();
      const forged = Buffer.from(row.hashes);
      forged[17 * 32] = (forged[17 * 32] as number) ^ 0xff;
      await sql`update audit_tiles set hashes = ${forged} where level = 0 and tile_index = 1`.execute(
        store.db,
      );

      const verdict = await verifyAuditTrail(store, { trustedKeys: keys });
      assert.equal(verdict.ok, false);
      assert.ok(!verdict.ok);
      assert.equal(verdict.problem, 'tile-mismatch');
      assert.deepEqual(verdict.at, { kind: 'tile', level: 0, index: 1 });
      assert.match(verdict.message, /hash 17 \(over entry 274\)/);
      const lines: string[] = [];
      assert.equal(
        await runAuditVerify(store, (line) => lines.push(line), { trustedKeys: keys }),
        1,
      );
      assert.match(lines[0] ?? '', /BROKEN at Merkle tile 0\/1 \(tile-mismatch\)/);

      // Entry 273's proof passes through the forged hash (its sibling): refused, not handed out.
      assert.deepEqual(await proofs.proofFor(273), { ok: false, reason: 'trail-mismatch' });
      // Entries whose proofs do not use it still prove.
      const elsewhere = await proofs.proofFor(600);
      assert.ok(elsewhere.ok && elsewhere.proof.verified);
    } finally {
      await store.close();
    }
  });
});
