/**
 * @module An audit entry's inclusion proof (the proof service as the audit and patient routes call
 * it: the entry, the newest checkpoint, the proof from the Merkle tiles, its check against the
 * signed root) in a trail of 1,000,000 entries against the same in a trail of 1,000, on SQLite,
 * in the same run. From tiles a proof reads a few tiles whatever the trail's length, so the ratio
 * should be close to 1 (target ≥ 0.5). `MCR_BENCH_PROOF_ENTRIES` changes the long trail's length.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditCheckpoints } from '../src/audit/audit-checkpoints.ts';
import { createAuditProofs, type AuditProofs } from '../src/audit/audit-proofs.ts';
import { createCheckpointSigner } from '../src/audit/checkpoint-signer.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { writeSyntheticTrail } from '../test/support/synthetic-audit-trail.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';

const LONG = Number(process.env['MCR_BENCH_PROOF_ENTRIES'] ?? 1_000_000);
const SHORT = 1_000;
/** Each trail is measured twice, interleaved, for this long each time. */
const MEASURE_MS = 1500;

const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);

interface Trail {
  readonly store: Store;
  readonly proofs: AuditProofs;
  readonly entries: number;
  readonly dataDir: string;
}

async function trail(entries: number): Promise<Trail> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-proofs-'));
  const store = await openStore({ url: '', dataDir });
  const started = performance.now();
  await writeSyntheticTrail(store, { entries, signer, checkpointEvery: 1000, tiles: true });
  process.stderr.write(
    `  wrote ${entries} entries with their tiles in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  const checkpoints = createAuditCheckpoints({
    store,
    signer,
    schedule: { checkpointEvery: 1_000_000_000, checkpointSeconds: 0 },
  });
  const proofs = createAuditProofs({
    store,
    checkpoints,
    publicKeyPem: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  return { store, proofs, entries, dataDir };
}

/** Proofs per second for random entries of the trail, one at a time. */
async function measure(t: Trail): Promise<number> {
  const deadline = performance.now() + MEASURE_MS;
  const started = performance.now();
  let done = 0;
  while (performance.now() < deadline) {
    const seq = 1 + Math.floor(Math.random() * t.entries);
    const answer = await t.proofs.proofFor(seq);
    if (!answer.ok || !answer.proof.verified) throw new Error(`no proof for entry ${seq}`);
    done += 1;
  }
  return done / ((performance.now() - started) / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const short = await trail(SHORT);
  const long = await trail(LONG);
  try {
    await measure(short); // warm up
    const rates = { short: [] as number[], long: [] as number[] };
    for (let i = 0; i < 2; i += 1) {
      rates.long.push(await measure(long));
      rates.short.push(await measure(short));
    }
    const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [atLong, atShort] = [mean(rates.long), mean(rates.short)];
    process.stderr.write(
      `  inclusion proof: ${(1000 / atLong).toFixed(2)} ms at ${LONG} entries, ${(1000 / atShort).toFixed(2)} ms at ${SHORT}\n`,
    );
    const ratio = atLong / atShort;
    return [
      withTarget(
        benchResult(
          `entry inclusion proof from tiles, sqlite, ${LONG} entries`,
          atLong,
          atShort,
          `the same in a trail of ${SHORT} entries`,
        ),
        '≥ 0.5 (flat)',
        ratio >= 0.5,
      ),
    ];
  } finally {
    for (const t of [short, long]) {
      await t.store.close();
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  }
}
