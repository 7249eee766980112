/**
 * @module Verifies the audit hash chain end to end, streaming rows in sequence order in
 * batches, and names the first entry that breaks it.
 */
import type { Store } from '../store/store.ts';
import {
  AUDIT_FILTER_COLUMNS,
  AUDIT_FILTER_FIELDS,
  auditEntryColumns,
} from '../store/audit-entry-fields.ts';
import { canonicalJson } from './canonical-json.ts';
import { AUDIT_ENTRY_FORMAT, GENESIS_PREV_HASH, chainHash } from './chain-hash.ts';

/** What is wrong with the first bad entry. */
export type ChainProblem = 'hash-mismatch' | 'broken-link' | 'gap' | 'bad-json' | 'seq-mismatch';

/** The verdict on the whole chain. */
export type ChainVerdict =
  | {
      readonly ok: true;
      /** How many entries were verified. */
      readonly entries: number;
      /** The last entry's hash: what the next entry must link to (64 zeros when empty). */
      readonly lastHash: string;
    }
  | {
      readonly ok: false;
      /** How many entries verified before the first bad one. */
      readonly entries: number;
      readonly firstBadSeq: number;
      readonly problem: ChainProblem;
      readonly message: string;
    };

/** Options for {@link verifyAuditChain}. */
export interface VerifyOptions {
  /** Called after each batch with the number of entries verified so far. */
  readonly onProgress?: (verified: number) => void;
  /** Called for each verified entry, in order (e.g. to build Merkle leaves for a checkpoint). */
  readonly onEntry?: (seq: number, hash: string) => void;
  /** Rows read per query; defaults to 2000. */
  readonly batchSize?: number;
}

interface Row {
  readonly seq: number | string;
  readonly recorded_at: string;
  readonly entry: string;
  readonly hash: string;
  readonly prev_hash: string;
}

/** Why a row fails. */
interface Failed {
  readonly ok: false;
  readonly problem: ChainProblem;
  readonly message: string;
}

/** What a row passing every check holds: its envelope, parsed. */
type Checked = { readonly ok: true; readonly envelope: Record<string, unknown> };

/** One step of {@link walkAuditChain}: a verified entry, or the first bad one (the last step). */
export type ChainStep =
  | {
      readonly ok: true;
      readonly seq: number;
      readonly hash: string;
      /** The stored canonical JSON: the Merkle leaf data. */
      readonly entry: string;
      /**
       * With {@link WalkOptions.columns}: why the row's search columns (migration 0013) disagree
       * with its JSON, when they do. The columns are outside the chain, so this is no break in it.
       */
      readonly columnMismatch?: string;
    }
  | {
      readonly ok: false;
      readonly seq: number;
      readonly problem: ChainProblem;
      readonly message: string;
    };

/** Where {@link walkAuditChain} starts and stops. */
export interface WalkOptions {
  /** The last entry already trusted (0 for the start of the trail). */
  readonly afterSeq?: number;
  /** That entry's hash (64 zeros for the start of the trail). */
  readonly afterHash?: string;
  /** Stop after this entry (inclusive); the end of the trail when absent. */
  readonly throughSeq?: number;
  /** Rows read per query; defaults to 2000. */
  readonly batchSize?: number;
  /** Also read each row's search columns and compare them with its JSON. */
  readonly columns?: boolean;
}

const CHAIN_COLUMNS = ['seq', 'recorded_at', 'entry', 'hash', 'prev_hash'] as const;
const SEARCH_COLUMNS = AUDIT_FILTER_FIELDS.map((field) => AUDIT_FILTER_COLUMNS[field]);

/**
 * Yields each entry after `afterSeq` in sequence order once it has passed every check of
 * {@link verifyAuditChain}, and stops after yielding the first one that fails.
 */
export async function* walkAuditChain(
  store: Store,
  options: WalkOptions = {},
): AsyncGenerator<ChainStep, void, undefined> {
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  let lastSeq = options.afterSeq ?? 0;
  let lastHash = options.afterHash ?? GENESIS_PREV_HASH;
  const through = options.throughSeq ?? Number.MAX_SAFE_INTEGER;
  const columns = options.columns === true ? [...CHAIN_COLUMNS, ...SEARCH_COLUMNS] : CHAIN_COLUMNS;
  for (;;) {
    const rows: Row[] = await store.db
      .selectFrom('audit_entries')
      .select(columns)
      .where('seq', '>', lastSeq)
      .where('seq', '<=', through)
      .orderBy('seq', 'asc')
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      const found = checkRow(row, seq, lastSeq + 1, lastHash);
      if (!found.ok) {
        yield { ok: false, seq, problem: found.problem, message: found.message };
        return;
      }
      const columnMismatch =
        options.columns === true ? checkColumns(row, seq, found.envelope['event']) : undefined;
      yield {
        ok: true,
        seq,
        hash: row.hash,
        entry: row.entry,
        ...(columnMismatch === undefined ? {} : { columnMismatch }),
      };
      lastSeq = seq;
      lastHash = row.hash;
    }
    if (rows.length < batchSize) return;
  }
}

/**
 * Walks the audit trail from seq 1 and checks, for each entry in turn: its sequence number
 * follows the previous one with no gap; its `prev_hash` is the previous entry's hash (64
 * zeros for the first); its hash is SHA-256 of `prev_hash + "\n" + entry`; its entry is
 * canonical JSON whose `seq` and `recordedAt` match the row. Stops at the first failure.
 *
 * A hash chain alone cannot show entries cut from the end, nor a chain rewritten from some
 * point onwards with every later hash recomputed: signed checkpoints do (verify-trail.ts).
 * Database errors propagate (the chain could not be read, which is not a verdict).
 */
export async function verifyAuditChain(
  store: Store,
  options: VerifyOptions = {},
): Promise<ChainVerdict> {
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  let verified = 0;
  let lastHash = GENESIS_PREV_HASH;
  for await (const step of walkAuditChain(store, { batchSize })) {
    if (!step.ok) {
      options.onProgress?.(verified);
      return {
        ok: false,
        entries: verified,
        firstBadSeq: step.seq,
        problem: step.problem,
        message: step.message,
      };
    }
    verified += 1;
    lastHash = step.hash;
    options.onEntry?.(step.seq, step.hash);
    if (verified % batchSize === 0) options.onProgress?.(verified);
  }
  options.onProgress?.(verified);
  return { ok: true, entries: verified, lastHash };
}

/** Why a row's search columns are not what its entry's event holds, or undefined when they are. */
function checkColumns(row: Row, seq: number, event: unknown): string | undefined {
  const expected = auditEntryColumns(event);
  const stored = row as unknown as Record<string, unknown>;
  for (const column of SEARCH_COLUMNS) {
    const value = stored[column] ?? null;
    if (value !== expected[column]) {
      return `Entry ${seq}'s ${column} column holds ${JSON.stringify(value)} but its entry says ${JSON.stringify(expected[column])}: the search columns were altered (they are outside the hash chain, so audit search would find it wrongly)`;
    }
  }
  return undefined;
}

function checkRow(
  row: Row,
  seq: number,
  expectedSeq: number,
  expectedPrevHash: string,
): Failed | Checked {
  if (seq > expectedSeq) {
    const missing =
      seq - 1 === expectedSeq ? `entry ${expectedSeq} is` : `entries ${expectedSeq}–${seq - 1} are`;
    return {
      ok: false,
      problem: 'gap',
      message: `Entry ${seq} follows entry ${expectedSeq - 1}: ${missing} missing`,
    };
  }
  if (seq !== expectedSeq) {
    return {
      ok: false,
      problem: 'seq-mismatch',
      message: `Entry numbered ${String(row.seq)} where ${expectedSeq} was expected`,
    };
  }
  if (row.prev_hash !== expectedPrevHash) {
    return {
      ok: false,
      problem: 'broken-link',
      message: `Entry ${seq} does not link to the entry before it (prev_hash ${row.prev_hash}, expected ${expectedPrevHash})`,
    };
  }
  if (chainHash(row.prev_hash, row.entry) !== row.hash) {
    return {
      ok: false,
      problem: 'hash-mismatch',
      message: `Entry ${seq} was altered: its content does not match its hash`,
    };
  }
  return checkEnvelope(row, seq);
}

function isCanonical(parsed: unknown, text: string): boolean {
  try {
    return canonicalJson(parsed) === text;
  } catch {
    return false; // e.g. an escaped lone surrogate, which I-JSON forbids
  }
}

function checkEnvelope(row: Row, seq: number): Failed | Checked {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.entry);
  } catch {
    return { ok: false, problem: 'bad-json', message: `Entry ${seq} is not JSON` };
  }
  if (!isCanonical(parsed, row.entry)) {
    return {
      ok: false,
      problem: 'bad-json',
      message: `Entry ${seq} is not in canonical JSON form`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: 'bad-json', message: `Entry ${seq} is not a JSON object` };
  }
  const envelope = parsed as Record<string, unknown>;
  if (
    envelope.v !== AUDIT_ENTRY_FORMAT ||
    typeof envelope.event !== 'object' ||
    envelope.event === null
  ) {
    return {
      ok: false,
      problem: 'bad-json',
      message: `Entry ${seq} is not a version ${AUDIT_ENTRY_FORMAT} audit entry`,
    };
  }
  if (envelope.seq !== seq || envelope.recordedAt !== row.recorded_at) {
    return {
      ok: false,
      problem: 'seq-mismatch',
      message: `Entry ${seq} says it is entry ${JSON.stringify(envelope.seq)} recorded at ${JSON.stringify(envelope.recordedAt)}, but is stored as entry ${seq} recorded at ${row.recorded_at}`,
    };
  }
  return { ok: true, envelope };
}
