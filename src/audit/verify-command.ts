/**
 * @module `mcr audit verify`: checks the audit chain, the Merkle tree head at every signed
 * checkpoint, signatures, consistency and the witness, and prints a one-line verdict.
 */
import type { Store } from '../store/store.ts';
import { verifyAuditTrail, type TrailVerifyOptions } from './verify-trail.ts';

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
  options: TrailVerifyOptions = {},
): Promise<number> {
  try {
    const verdict = await verifyAuditTrail(store, options);
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
      out(
        `audit trail intact: ${verdict.entries} entries verified, last hash ${verdict.lastHash}; ${signed}`,
      );
      return AUDIT_VERIFY_EXIT.intact;
    }
    const where =
      verdict.at.kind === 'entry'
        ? `entry ${verdict.at.seq}`
        : verdict.at.kind === 'checkpoint'
          ? `checkpoint ${verdict.at.treeSize}`
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
