/**
 * @module `mcr audit verify` streams the trail: the memory it holds does not grow with the
 * trail's length (measured after full garbage collections, not by timing), and it still finds
 * a single altered entry deep in a long trail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { createCheckpointSigner } from '../../src/audit/checkpoint-signer.ts';
import { verifyAuditTrail } from '../../src/audit/verify-trail.ts';
import { openStore } from '../../src/store/open-store.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticTrail } from '../support/synthetic-audit-trail.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ENTRIES = 80_000;

void test(`verifying ${ENTRIES} entries holds no more memory at the end than after the first few thousand`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-verify-stream-'));
  const store = await openStore({ url: '', dataDir });
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createCheckpointSigner(privateKey);
    await writeSyntheticTrail(store, { entries: ENTRIES, signer, checkpointEvery: 1000 });

    const liveHeap: number[] = [];
    const verdict = await verifyAuditTrail(store, {
      trustedKeys: new Map([[signer.keyId, publicKey]]),
      batchSize: 2000,
      onProgress: () => {
        gc();
        liveHeap.push(process.memoryUsage().heapUsed);
      },
    });
    assert.equal(verdict.ok, true, verdict.ok ? '' : verdict.message);
    assert.equal(verdict.entries, ENTRIES);
    assert.equal(verdict.ok && verdict.checkpoints, ENTRIES / 1000);

    // A tree kept whole would hold two hashes per entry (≈ 20 MB of objects for 80,000 entries);
    // the streaming verifier holds a batch of rows and about log2(n) hashes.
    const early = Math.max(...liveHeap.slice(2, 6));
    const late = Math.min(...liveHeap.slice(-4));
    assert.ok(
      late - early < 4 * 1024 * 1024,
      `live heap grew from ${early} to ${late} bytes while verifying`,
    );
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('an entry altered deep in a long trail is named, and the entries before it counted', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-verify-stream-'));
  const store = await openStore({ url: '', dataDir });
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createCheckpointSigner(privateKey);
    await writeSyntheticTrail(store, { entries: 20_000, signer, checkpointEvery: 1000 });
    // Someone with write access to the database edits one entry and recomputes its hash.
    await sql`drop trigger if exists audit_entries_no_update`.execute(store.db);
    const triggers = await sql<{ name: string }>`select name from sqlite_master
      where type = 'trigger' and tbl_name = 'audit_entries'`.execute(store.db);
    for (const { name } of triggers.rows) await sql`drop trigger ${sql.id(name)}`.execute(store.db);
    await sql`update audit_entries set entry = replace(entry, 'u-0001', 'u-0002')
      where seq = 15321`.execute(store.db);

    const verdict = await verifyAuditTrail(store, {
      trustedKeys: new Map([[signer.keyId, publicKey]]),
    });
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.problem, 'hash-mismatch');
    assert.deepEqual(!verdict.ok && verdict.at, { kind: 'entry', seq: 15321 });
    assert.equal(verdict.entries, 15320);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
