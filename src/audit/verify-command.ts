/** @module `mcr audit verify`: checks the audit chain and prints a one-line verdict. */
import type { Store } from '../store/store.ts';
import { verifyAuditChain } from './verify-chain.ts';

/** Exit codes of `mcr audit verify`. */
export const AUDIT_VERIFY_EXIT = { intact: 0, tampered: 1, unreadable: 2 } as const;

/**
 * Verifies the whole audit trail and writes one line: intact (with the entry count and last
 * hash, to compare with a checkpoint), or the first bad entry and what is wrong with it.
 * Returns 0 when intact, 1 when the chain is broken, 2 when it could not be read.
 */
export async function runAuditVerify(store: Store, out: (line: string) => void): Promise<number> {
  try {
    const verdict = await verifyAuditChain(store);
    if (verdict.ok) {
      out(`audit trail intact: ${verdict.entries} entries verified, last hash ${verdict.lastHash}`);
      return AUDIT_VERIFY_EXIT.intact;
    }
    out(
      `audit trail BROKEN at entry ${verdict.firstBadSeq} (${verdict.problem}): ${verdict.message}; ` +
        `${verdict.entries} entries before it verified`,
    );
    return AUDIT_VERIFY_EXIT.tampered;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    out(`audit trail could not be read from ${store.location}: ${reason}`);
    return AUDIT_VERIFY_EXIT.unreadable;
  }
}
