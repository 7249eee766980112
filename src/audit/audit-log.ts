/**
 * @module The append-only, hash-chained audit log: appends under the store's audit lock,
 * and reads entries back for search. Nothing but validated audit events is ever written.
 */
import { sql, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { AuditEntriesTable, DatabaseSchema } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { AUDIT_FILTER_COLUMNS, auditEntryColumns } from '../store/audit-entry-fields.ts';
import { normaliseUsername } from '../access/user-accounts.ts';
import {
  checkAuditEvent,
  type AuditAction,
  type AuditEntry,
  type AuditEvent,
  type AuditOutcome,
} from './audit-event.ts';
import { canonicalJson } from './canonical-json.ts';
import { chainHash, entryEnvelopeJson } from './chain-hash.ts';
import { createTileAppender, type TileExtension } from './audit-tiles.ts';
import { entryLeafHash } from './audit-checkpoints.ts';
import {
  ChainEndMoved,
  readChainEnd,
  writeAuditGroup,
  type ChainEnd,
  type EntryWrite,
  type GroupWrite,
} from './audit-group-write.ts';

/** Why an append or read failed. */
export type AuditUnavailableReason = 'invalid-event' | 'store-failed' | 'corrupt-entry';

/**
 * The audit trail could not be written (or read). Whoever asked must fail closed: no audit
 * entry, no data (the server answers 503).
 */
export class AuditUnavailable extends Error {
  readonly code = 'audit-unavailable';
  readonly reason: AuditUnavailableReason;

  constructor(reason: AuditUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailable';
    this.reason = reason;
  }
}

/** Where an appended entry landed in the chain. */
export interface AppendedEntry {
  readonly seq: number;
  readonly hash: string;
}

/**
 * An entry this log has just committed, as it wrote it: what the checkpointer needs to sign it
 * without reading it back (src/audit/audit-checkpoints.ts).
 */
export interface CommittedEntry extends AppendedEntry {
  /** The hash of the entry before it (64 zeros for the first). */
  readonly prevHash: string;
  /** Its Merkle leaf hash: SHA-256 of 0x00 and its stored canonical JSON. */
  readonly leaf: Buffer;
}

/** One stored entry, parsed. */
export interface AuditRecord {
  readonly seq: number;
  readonly recordedAt: string;
  readonly hash: string;
  readonly prevHash: string;
  readonly entry: AuditEntry;
}

/** What {@link AuditLog.count} can count by: the filters of {@link AuditListQuery}. */
export type AuditFilter = Omit<AuditListQuery, 'limit' | 'afterSeq' | 'beforeSeq' | 'newestFirst'>;

/** Search filters for {@link AuditLog.list}; all optional except `limit`. */
export interface AuditListQuery {
  /** Entries whose event concerns this patient (`event.nhsNumber`). */
  readonly nhsNumber?: string;
  /** Entries whose actor is this user. */
  readonly userId?: string;
  /**
   * Entries whose actor is this user, named by their sign-in name (as recorded at the time,
   * compared case-insensitively) or by their user id.
   */
  readonly user?: string;
  readonly action?: AuditAction;
  /** Entries whose actor belongs to this organisation (ODS code, `event.actor.organisation`). */
  readonly organisation?: string;
  /** Entries with this outcome (`success`, `denied`, `failure`). */
  readonly outcome?: AuditOutcome;
  /** Recorded at or after this ISO-8601 instant. */
  readonly from?: string;
  /** Recorded strictly before this ISO-8601 instant. */
  readonly to?: string;
  /** At most this many entries (capped at 1000). */
  readonly limit: number;
  /** Only entries after this sequence number (paging cursor for oldest-first). */
  readonly afterSeq?: number;
  /** Only entries before this sequence number (paging cursor for newest-first). */
  readonly beforeSeq?: number;
  /** Newest first instead of oldest first. */
  readonly newestFirst?: boolean;
}

/** What a change of state made, and the audit entries that record it (at least one). */
export interface AuditedChange<T> {
  readonly result: T;
  readonly events: readonly [AuditEvent, ...AuditEvent[]];
}

/**
 * A change of state run inside the audit's transaction, under its ordering lock. It must use
 * `trx` for every query (on SQLite the store has one connection, held by this transaction). It
 * may throw (e.g. a domain error: already reviewed); then nothing it did is kept, no entry is
 * written, and its caller gets that error.
 */
export type StateChange<T> = (trx: Transaction<DatabaseSchema>) => Promise<AuditedChange<T>>;

/** The audit trail. Every method throws {@link AuditUnavailable} when it cannot do its job. */
export interface AuditLog {
  /** Validates the event, appends it as the next link of the chain, and commits. */
  append(event: AuditEvent): Promise<AppendedEntry>;
  /**
   * Runs `change` and appends the entries it returns in one transaction: the change of state and
   * its audit entries commit together or not at all. Throws {@link AuditUnavailable} when the
   * entries cannot be written (nothing changed), or whatever `change` threw.
   */
  appendWith<T>(change: StateChange<T>): Promise<T>;
  /** Entries matching the query, in sequence order. */
  list(query: AuditListQuery): Promise<AuditRecord[]>;
  /** How many entries the trail holds; with a filter, how many match it (no limit). */
  count(query?: AuditFilter): Promise<number>;
  /** The last entry's place in the chain, or null for an empty trail (for checkpoints). */
  head(): Promise<AppendedEntry | null>;
}

/** What {@link createAuditLog} needs. */
export interface AuditLogDeps {
  readonly store: Store;
  /** The clock for `recordedAt`; defaults to the system clock. */
  readonly now?: () => Date;
  /** Told of each committed entry, in order (e.g. the checkpointer); must not throw. */
  readonly onAppended?: (appended: CommittedEntry) => void;
  /**
   * Writes that must commit with the entries or not at all (e.g. the notification queue): run
   * inside the appending transaction, after the entries are inserted. A throw fails the append.
   */
  readonly inCommit?: (
    trx: Transaction<DatabaseSchema>,
    entries: readonly { readonly seq: number; readonly event: AuditEvent }[],
  ) => Promise<void>;
  /**
   * False appends without extending the Merkle tiles (src/audit/audit-tiles.ts), for the append
   * bench's before-tiles baseline only: proofs then wait for a catch-up. True when absent.
   */
  readonly tiles?: boolean;
}

/** A validated event and its canonical JSON. */
interface Checked {
  readonly event: AuditEvent;
  readonly json: string;
}

const MAX_LIST = 1000;
/** The tiles of an append made without tiles. */
const NO_TILES: TileExtension = { tiles: [], committed: () => undefined };
/** The most entries committed together in one group. */
const MAX_GROUP = 256;

/** Creates the audit log over a store. */
export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const tiles = deps.tiles === false ? undefined : createTileAppender();

  /**
   * The event exactly as the schema admits it, with its canonical JSON (serialised once, here,
   * and spliced into the entry's envelope), or AuditUnavailable('invalid-event').
   */
  function validated(event: AuditEvent): Checked {
    const check = checkAuditEvent(event);
    if (!check.ok) {
      throw new AuditUnavailable(
        'invalid-event',
        `Refused to audit an invalid event: ${check.errors.join('; ')}`,
      );
    }
    try {
      return { event: check.event, json: canonicalJson(check.event) };
    } catch (error) {
      // The schema admits every string it bounds; I-JSON also forbids lone surrogates.
      const reason = error instanceof Error ? error.message : String(error);
      throw new AuditUnavailable('invalid-event', `Refused to audit an invalid event: ${reason}`, {
        cause: error,
      });
    }
  }

  async function append(event: AuditEvent): Promise<AppendedEntry> {
    const checked = validated(event);
    const { entries } = await enqueue({ events: [checked], result: null });
    const [appended] = entries;
    if (appended === undefined) throw unavailable(new Error('nothing appended'));
    return appended;
  }

  async function appendWith<T>(change: StateChange<T>): Promise<T> {
    const { result } = await enqueue(async (trx) => {
      const made = await change(trx);
      return { result: made.result, events: made.events.map(validated) };
    });
    return result;
  }

  /*
   * Group commit: appends (and changes of state with their entries) that arrive while a commit
   * is under way wait for it, then go in together — one lock, one transaction, one multi-row
   * INSERT, one durable flush for the whole group. Each change of state runs under its own
   * savepoint, so one that throws is undone alone (a plain append changes nothing and needs
   * none). Each caller gets its answer only after its own entries are committed. If a group
   * fails to commit, its members are retried one by one, so one refused entry fails only its
   * own caller.
   */
  interface Prepared {
    readonly events: readonly Checked[];
    readonly result: unknown;
  }
  /** A change of state to run in the transaction, or the entries of a plain append. */
  type Prepare = ((trx: Transaction<DatabaseSchema>) => Promise<Prepared>) | Prepared;
  interface Pending {
    readonly prepare: Prepare;
    readonly resolve: (done: Committed) => void;
    readonly reject: (error: unknown) => void;
  }
  interface Committed {
    readonly entries: readonly AppendedEntry[];
    readonly result: unknown;
  }
  const queue: Pending[] = [];
  let flushing = false;

  function enqueue<R>(
    prepare:
      | ((trx: Transaction<DatabaseSchema>) => Promise<{
          readonly events: readonly Checked[];
          readonly result: R;
        }>)
      | { readonly events: readonly Checked[]; readonly result: R },
  ): Promise<{ readonly entries: readonly AppendedEntry[]; readonly result: R }> {
    return new Promise((resolve, reject) => {
      queue.push({
        prepare,
        // The result is the one this caller's own prepare returned.
        resolve: (done) => {
          resolve(done as { entries: readonly AppendedEntry[]; result: R });
        },
        reject,
      });
      if (!flushing) void flush();
    });
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      // Let the callers that are about to append (those just answered, or woken by the same
      // event) join this group: one turn of the event loop, far shorter than a durable commit.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (queue.length > 0) {
        const group = queue.splice(0, MAX_GROUP);
        try {
          settle(group, await commit(group));
        } catch (groupError) {
          if (group.length === 1) {
            group[0]?.reject(unavailable(groupError));
            continue;
          }
          for (const pending of group) {
            try {
              settle([pending], await commit([pending]));
            } catch (error) {
              pending.reject(unavailable(error));
            }
          }
        }
      }
    } finally {
      flushing = false;
    }
  }

  /** Answers each member of a committed group with its entries, or with its change's own error. */
  function settle(group: readonly Pending[], outcomes: readonly Outcome[]): void {
    group.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) pending.reject(unavailable(new Error('nothing appended')));
      else if (!outcome.ok) pending.reject(outcome.error);
      else {
        for (const entry of outcome.written) deps.onAppended?.(entry);
        pending.resolve({ entries: outcome.entries, result: outcome.result });
      }
    });
  }

  type Outcome =
    | ({ readonly ok: true; readonly written: readonly CommittedEntry[] } & Committed)
    | { readonly ok: false; readonly error: unknown };

  function unavailable(error: unknown): AuditUnavailable {
    if (error instanceof AuditUnavailable) return error;
    return new AuditUnavailable('store-failed', 'The audit trail could not be written', {
      cause: error,
    });
  }

  /**
   * Where the trail ended at this log's last commit, so the next group need not read it: each
   * write checks it under the audit lock (src/audit/audit-group-write.ts), and when another
   * writer has appended since, the group is made again from the stored end. Unknown until the
   * first commit, and after any failure.
   */
  let chainEnd: ChainEnd | undefined;

  /**
   * Runs each member's change and appends its events as the next links of the chain, in one
   * transaction under the audit lock, with the Merkle tiles they complete. A change that throws
   * is rolled back to its savepoint and reported as that member's outcome; the others go on.
   */
  async function commit(group: readonly Pending[]): Promise<Outcome[]> {
    const remembered = chainEnd;
    chainEnd = undefined;
    if (remembered === undefined) return attempt(group, undefined);
    try {
      return await attempt(group, remembered);
    } catch (error) {
      // Another writer appended since: nothing was written, so again from the stored end. Any
      // other failure is the group's (a retry could repeat a commit whose answer was lost).
      if (!(error instanceof ChainEndMoved)) throw error;
      return attempt(group, undefined);
    }
  }

  /** One try at committing the group, after `known` (read under the lock when undefined). */
  async function attempt(
    group: readonly Pending[],
    known: ChainEnd | undefined,
  ): Promise<Outcome[]> {
    // A group of plain appends with nothing else to commit is one call on PostgreSQL: no
    // transaction of ours around it (the call takes the lock and checks the head itself).
    if (
      known !== undefined &&
      store.dialect === 'postgres' &&
      deps.inCommit === undefined &&
      group.every((pending) => typeof pending.prepare !== 'function')
    ) {
      const linked = link(known);
      const outcomes = group.map((pending) => linked.add(pending.prepare as Prepared));
      const extension = tiles === undefined ? NO_TILES : tiles.remembered(linked.appended());
      if (extension !== undefined) {
        await writeAuditGroup(store.db, store.dialect, linked.write(extension));
        committed(linked, extension);
        return outcomes;
      }
    }
    let extension: TileExtension = NO_TILES;
    let linked: Linked | undefined;
    const outcomes = await store.withAuditLock(async (trx) => {
      linked = link(known ?? (await readChainEnd(trx)));
      const outcomes: Outcome[] = [];
      for (const pending of group) {
        if (typeof pending.prepare !== 'function') {
          outcomes.push(linked.add(pending.prepare));
          continue;
        }
        await sql`savepoint audited_change`.execute(trx);
        try {
          const prepared = await pending.prepare(trx);
          await sql`release savepoint audited_change`.execute(trx);
          outcomes.push(linked.add(prepared));
        } catch (error) {
          await sql`rollback to savepoint audited_change`.execute(trx);
          await sql`release savepoint audited_change`.execute(trx);
          outcomes.push({ ok: false, error });
        }
      }
      const appended = linked.appended();
      if (appended.rows.length > 0) {
        extension = tiles === undefined ? NO_TILES : await tiles.extend(trx, appended);
        await writeAuditGroup(trx, store.dialect, linked.write(extension));
      }
      if (deps.inCommit !== undefined && linked.events.length > 0) {
        await deps.inCommit(trx, linked.events);
      }
      return outcomes;
    });
    if (linked !== undefined) committed(linked, extension);
    return outcomes;
  }

  /** After a commit: the tiles' edge and the trail's end are what it wrote. */
  function committed(linked: Linked, extension: TileExtension): void {
    extension.committed();
    chainEnd = linked.end();
  }

  /** The next links of the chain after `after`, as a group's members add their events. */
  interface Linked {
    add(prepared: Prepared): Outcome;
    /** The entry the group follows and the rows made so far. */
    appended(): { readonly after: ChainEnd; readonly rows: readonly EntryWrite[] };
    readonly events: readonly { readonly seq: number; readonly event: AuditEvent }[];
    write(extension: TileExtension): GroupWrite;
    /** Where the trail ends once the rows are in. */
    end(): ChainEnd;
  }

  function link(after: ChainEnd): Linked {
    let seq = after.seq;
    let prevHash = after.hash;
    const rows: EntryWrite[] = [];
    const events: { seq: number; event: AuditEvent }[] = [];
    return {
      add(prepared) {
        const written: CommittedEntry[] = [];
        const entries = prepared.events.map(({ event, json }) => {
          seq += 1;
          const recordedAt = now().toISOString();
          const entryJson = entryEnvelopeJson(seq, recordedAt, json);
          const hash = chainHash(prevHash, entryJson);
          const leaf = entryLeafHash(entryJson);
          rows.push({
            seq,
            recorded_at: recordedAt,
            entry: entryJson,
            hash,
            prev_hash: prevHash,
            // The search columns hold what the entry's JSON holds (checked by verify).
            columns: auditEntryColumns(event),
            leaf,
          });
          events.push({ seq, event });
          written.push({ seq, hash, prevHash, leaf });
          prevHash = hash;
          return { seq, hash };
        });
        return { ok: true, entries, written, result: prepared.result };
      },
      appended: () => ({ after, rows }),
      events,
      write: (extension) => ({ after, rows, tiles: extension.tiles }),
      end: () => ({ seq, hash: prevHash }),
    };
  }

  /** The entries a query's filters select (not its limit, order or cursor), on indexed columns. */
  function filtered(
    query: AuditFilter,
  ): SelectQueryBuilder<DatabaseSchema, 'audit_entries', object> {
    const c = AUDIT_FILTER_COLUMNS;
    let q: SelectQueryBuilder<DatabaseSchema, 'audit_entries', object> =
      store.db.selectFrom('audit_entries');
    if (query.nhsNumber !== undefined) q = q.where(c.nhsNumber, '=', query.nhsNumber);
    if (query.userId !== undefined) q = q.where(c.userId, '=', query.userId);
    const user = query.user;
    if (user !== undefined) {
      q = q.where((eb) =>
        eb.or([eb(c.username, '=', normaliseUsername(user)), eb(c.userId, '=', user.trim())]),
      );
    }
    if (query.action !== undefined) q = q.where(c.action, '=', query.action);
    if (query.organisation !== undefined) q = q.where(c.organisation, '=', query.organisation);
    if (query.outcome !== undefined) q = q.where(c.outcome, '=', query.outcome);
    if (query.from !== undefined) q = q.where('recorded_at', '>=', query.from);
    if (query.to !== undefined) q = q.where('recorded_at', '<', query.to);
    return q;
  }

  async function list(query: AuditListQuery): Promise<AuditRecord[]> {
    const limit = Math.max(0, Math.min(Math.trunc(query.limit), MAX_LIST));
    if (limit === 0) return [];
    let q = filtered(query).select(['seq', 'recorded_at', 'entry', 'hash', 'prev_hash']);
    if (query.afterSeq !== undefined) q = q.where('seq', '>', query.afterSeq);
    if (query.beforeSeq !== undefined) q = q.where('seq', '<', query.beforeSeq);
    let rows: AuditEntriesTable[];
    try {
      rows = await q
        .orderBy('seq', query.newestFirst === true ? 'desc' : 'asc')
        .limit(limit)
        .execute();
    } catch (error) {
      throw new AuditUnavailable('store-failed', 'The audit trail could not be read', {
        cause: error,
      });
    }
    return rows.map(toRecord);
  }

  async function count(query: AuditFilter = {}): Promise<number> {
    try {
      const row = await filtered(query)
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    } catch (error) {
      throw new AuditUnavailable('store-failed', 'The audit trail could not be read', {
        cause: error,
      });
    }
  }

  async function head(): Promise<AppendedEntry | null> {
    try {
      const last = await store.db
        .selectFrom('audit_entries')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return last === undefined ? null : { seq: last.seq, hash: last.hash };
    } catch (error) {
      throw new AuditUnavailable('store-failed', 'The audit trail could not be read', {
        cause: error,
      });
    }
  }

  return { append, appendWith, list, count, head };
}

function toRecord(row: AuditEntriesTable): AuditRecord {
  let entry: AuditEntry;
  try {
    entry = JSON.parse(row.entry) as AuditEntry;
  } catch (error) {
    throw new AuditUnavailable('corrupt-entry', `Audit entry ${String(row.seq)} is not JSON`, {
      cause: error,
    });
  }
  return {
    seq: row.seq,
    recordedAt: row.recorded_at,
    hash: row.hash,
    prevHash: row.prev_hash,
    entry,
  };
}
