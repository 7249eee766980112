/**
 * @module Durable audit appends per second on SQLite and PostgreSQL, with one writer and with
 * eight concurrent writers, each against a plain durable INSERT of the same row into a table of
 * the same shape, measured in the same run on the same database; and, with eight writers, the
 * appends with their Merkle tiles against the same appends without (as before tiles). PostgreSQL
 * is skipped, loudly, when it cannot be reached (`MCR_BENCH_DATABASE_URL`, else
 * `MCR_TEST_DATABASE_URL`, else local).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createAuditCheckpoints } from '../src/audit/audit-checkpoints.ts';
import type { AuditEvent } from '../src/audit/audit-event.ts';
import { createAuditLog } from '../src/audit/audit-log.ts';
import { catchUpAuditTiles } from '../src/audit/audit-tiles.ts';
import { canonicalJson } from '../src/audit/canonical-json.ts';
import { chainHash } from '../src/audit/chain-hash.ts';
import { createCheckpointSigner } from '../src/audit/checkpoint-signer.ts';
import { generateKeyPairSync } from 'node:crypto';
import { auditEntryColumns } from '../src/store/audit-entry-fields.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { benchResult, withTarget, type BenchResult } from './bench-result.ts';

/** How long each measurement runs. 2 dialects × 2 writer counts × 2 subjects × this < 60 s. */
const MEASURE_MS = 2500;
const WRITERS = 8;
const PG_URL =
  process.env['MCR_BENCH_DATABASE_URL'] ??
  process.env['MCR_TEST_DATABASE_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test';

let requestCounter = 0;

/** A typical record view's end entry: two sources, counts, no clinical content. */
function viewCompleted(): AuditEvent {
  requestCounter += 1;
  return {
    action: 'record-view-completed',
    time: new Date().toISOString(),
    requestId: `bench-${requestCounter}`,
    client: { address: '192.0.2.10', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' },
    actor: {
      userId: 'u-0001',
      username: 'amara.okafor',
      displayName: 'Dr Amara Okafor',
      role: 'gp',
      organisation: 'A81001',
    },
    outcome: 'success',
    nhsNumber: '9990000018',
    basis: { permissionId: 'perm-1', basis: 'consent' },
    sources: [
      {
        id: 'gp-a81001',
        status: 'answered',
        elapsedMs: 412,
        counts: { medications: 7 },
        httpStatus: 200,
        warnings: [],
      },
      {
        id: 'hospital',
        status: 'answered',
        elapsedMs: 388,
        counts: { problems: 3 },
        httpStatus: 200,
        warnings: [],
      },
    ],
    withheld: {},
    elapsedMs: 420,
  };
}

/** Runs `op` from `writers` concurrent loops for MEASURE_MS; operations per second. */
async function measure(writers: number, op: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + MEASURE_MS;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        await op();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/** Issue #15's goal for 8 writers, in appends per second. */
const TARGET_8_WRITERS: Record<Store['dialect'], number> = { sqlite: 10_000, postgres: 5_000 };

async function benchStore(name: string, store: Store): Promise<BenchResult[]> {
  // The same row as an audit entry: the chain columns and the six search columns (migration 0013).
  await sql`create table bench_plain (seq bigint primary key, recorded_at text not null, entry text not null, hash text not null, prev_hash text not null, nhs_number text, user_id text, username text, action text, organisation text, outcome text)`.execute(
    store.db,
  );
  const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  // As deployed (src/audit/audit-signing.ts): the default checkpoint schedule runs beside the
  // appends, told of each entry as the log wrote it.
  const checkpoints = createAuditCheckpoints({
    store,
    signer,
    schedule: { checkpointEvery: 1000, checkpointSeconds: 60 },
  });
  const log = createAuditLog({
    store,
    onAppended: (a) => {
      checkpoints.noteAppended(a.seq, a.hash, a);
    },
  });
  let plainSeq = 0;
  const plainInsert = async (): Promise<void> => {
    plainSeq += 1;
    const recordedAt = new Date().toISOString();
    const event = viewCompleted();
    const entry = canonicalJson({ v: 1, seq: plainSeq, recordedAt, event });
    const prev = '0'.repeat(64);
    const c = auditEntryColumns(event);
    await sql`insert into bench_plain (seq, recorded_at, entry, hash, prev_hash, nhs_number, user_id, username, action, organisation, outcome) values (${plainSeq}, ${recordedAt}, ${entry}, ${chainHash(prev, entry)}, ${prev}, ${c.nhs_number}, ${c.user_id}, ${c.username}, ${c.action}, ${c.organisation}, ${c.outcome})`.execute(
      store.db,
    );
  };
  const results: BenchResult[] = [];
  for (const writers of [1, WRITERS]) {
    const baseline = await measure(writers, plainInsert);
    const appends = await measure(writers, () => log.append(viewCompleted()));
    const label = writers === 1 ? '1 writer' : `${writers} writers`;
    const result = benchResult(
      `audit append, ${name}, ${label}`,
      appends,
      baseline,
      'plain durable INSERT, same row',
    );
    const target = TARGET_8_WRITERS[store.dialect];
    results.push(
      writers === WRITERS ? withTarget(result, `≥ ${target}/s`, appends >= target) : result,
    );
    process.stderr.write(
      `  ${name} ${label}: ${appends.toFixed(0)} appends/s vs ${baseline.toFixed(0)} inserts/s\n`,
    );
  }
  // Tiles against no tiles, 8 writers: the appends of before tiles first (leaving the tiles
  // behind), then the tiles caught up (not timed), then the appends with their tiles again.
  const untiled = createAuditLog({
    store,
    tiles: false,
    onAppended: (a) => {
      checkpoints.noteAppended(a.seq, a.hash, a);
    },
  });
  const without = await measure(WRITERS, () => untiled.append(viewCompleted()));
  await catchUpAuditTiles(store);
  const withTiles = await measure(WRITERS, () => log.append(viewCompleted()));
  results.push(
    benchResult(
      `audit append with Merkle tiles, ${name}, ${WRITERS} writers`,
      withTiles,
      without,
      'the same appends without tiles (before)',
    ),
  );
  process.stderr.write(
    `  ${name} ${WRITERS} writers: ${withTiles.toFixed(0)} appends/s with tiles vs ${without.toFixed(0)} without\n`,
  );
  await checkpoints.stop();
  return results;
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SQLite (WAL, synchronous=FULL) and PostgreSQL (synchronous_commit=on), 1 and 8 writers. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'mcr-bench-'));
  try {
    const store = await openStore({ url: '', dataDir });
    try {
      results.push(...(await benchStore('sqlite', store)));
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const unreachable = await postgresReachable();
  if (unreachable !== undefined) {
    const line = '!'.repeat(78);
    process.stderr.write(
      `\n${line}\n!! POSTGRESQL AUDIT BENCH SKIPPED: ${unreachable}\n!! Set MCR_BENCH_DATABASE_URL to run it.\n${line}\n\n`,
    );
    return results;
  }
  const schema = `mcr_bench_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ url: PG_URL, dataDir: tmpdir(), schema });
  try {
    results.push(...(await benchStore('postgres', store)));
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
  return results;
}
