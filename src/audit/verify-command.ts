/**
 * @module `mcr audit verify`: checks the audit chain, the Merkle tree head at every signed
 * checkpoint, signatures and the witness in one streaming pass in bounded memory, and prints a
 * one-line verdict with the rate it verified at.
 */
import { Worker } from 'node:worker_threads';
import type { OpenStoreOptions } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { verifyAuditTrail, type TrailVerdict, type TrailVerifyOptions } from './verify-trail.ts';
import type { VerifyWorkerInput, VerifyWorkerOutput } from './verify-worker.ts';

/**
 * The heap the verifying worker may use. Live memory while verifying is a batch of rows and
 * about log2(n) hashes whatever the trail's length; the limits stop V8 from growing its young
 * generation (to 128 MiB under this allocation rate) and its old one far beyond that, which is
 * what kept a process's resident memory growing with the trail. Reaching them fails the run
 * (exit 2), never a verdict of intact.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } as const;

/**
 * Verifies the trail in a worker thread with a bounded heap ({@link WORKER_LIMITS}), on its own
 * connection to the store, so the whole process stays within a fixed memory budget (issue #15:
 * ten million entries in less than 256 MiB). Rejects when the worker fails or runs out of memory.
 */
export function verifyAuditTrailInWorker(
  store: OpenStoreOptions,
  options: Omit<TrailVerifyOptions, 'onProgress'> = {},
): Promise<TrailVerdict> {
  const input: VerifyWorkerInput = { store, options };
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), {
      workerData: input,
      resourceLimits: WORKER_LIMITS,
    });
    let answered = false;
    worker.once('message', (output: VerifyWorkerOutput) => {
      answered = true;
      if (output.ok) resolve(output.verdict);
      else reject(new Error(output.message));
    });
    worker.once('error', (error: unknown) => {
      answered = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    });
    worker.once('exit', (code) => {
      if (!answered)
        reject(new Error(`the verifying worker stopped (exit ${code}) without a verdict`));
    });
  });
}

/** Entries per second, rounded. */
function rate(entries: number, seconds: number): string {
  return seconds > 0 ? Math.round(entries / seconds).toString() : String(entries);
}

/** Exit codes of `mcr audit verify`. */
export const AUDIT_VERIFY_EXIT = { intact: 0, tampered: 1, unreadable: 2 } as const;

/**
 * Verifies the whole audit trail and writes one line: intact (with the entry count, last hash
 * and newest checkpoint), or the first bad entry, checkpoint or witness line and what is wrong.
 * Returns 0 when intact, 1 when tampered with, 2 when it could not be read.
 */
export async function runAuditVerify(
  store: Store,
  out: (line: string) => void,
  options: TrailVerifyOptions & {
    /** How to verify; in this process over `store` unless given (the CLI uses a worker). */
    readonly verify?: () => Promise<TrailVerdict>;
  } = {},
): Promise<number> {
  try {
    const started = performance.now();
    const verdict = await (options.verify ?? (() => verifyAuditTrail(store, options)))();
    const seconds = (performance.now() - started) / 1000;
    if (verdict.ok) {
      const signed =
        verdict.latest === undefined
          ? 'no checkpoint yet' + (verdict.witnessChecked ? ', witness empty too' : '')
          : `${verdict.checkpoints} checkpoints (latest ${verdict.latest.treeSize} entries, root ${verdict.latest.rootHash})` +
            (verdict.signaturesChecked
              ? ', signatures valid'
              : ', signatures NOT checked (no key)') +
            (verdict.witnessChecked
              ? `, ${verdict.witnessed} witnessed`
              : ', witness NOT compared') +
            `, ${verdict.unsigned} entries since` +
            (verdict.tailChecked ? '' : ' (their age NOT checked)');
      const tiles = verdict.tilesComplete
        ? `Merkle tiles match (${verdict.tileHashesChecked} hashes)`
        : `Merkle tiles match as far as stored (${verdict.tileHashesChecked} hashes) but are behind the entries: a server catches them up when it starts`;
      out(
        `audit trail intact: ${verdict.entries} entries verified, last hash ${verdict.lastHash}; ${signed}; ${tiles}; search columns match the entries; ` +
          `verified in ${seconds.toFixed(1)} s (${rate(verdict.entries, seconds)} entries/s)`,
      );
      return AUDIT_VERIFY_EXIT.intact;
    }
    const where =
      verdict.at.kind === 'entry'
        ? `entry ${verdict.at.seq}`
        : verdict.at.kind === 'checkpoint'
          ? `checkpoint ${verdict.at.treeSize}`
          : verdict.at.kind === 'tile'
            ? `Merkle tile ${verdict.at.level}/${verdict.at.index}`
            : `witness line ${verdict.at.line}`;
    out(
      `audit trail BROKEN at ${where} (${verdict.problem}): ${verdict.message}; ` +
        `${verdict.entries} entries before it verified`,
    );
    return AUDIT_VERIFY_EXIT.tampered;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    out(`audit trail could not be read from ${store.location}: ${reason}`);
    return AUDIT_VERIFY_EXIT.unreadable;
  }
}
