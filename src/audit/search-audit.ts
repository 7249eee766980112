/**
 * @module Searching the audit trail, as steps (each an {@link auditedSearch}): access → the
 * terms read → the entries → the search audited as `audit-searched` before any entry leaves.
 * A page of entries (`GET /api/audit`, `GET /fhir/AuditEvent`), one entry by number
 * (`GET /fhir/AuditEvent/{id}`) and one entry's inclusion proof (`GET /api/audit/{seq}/proof`).
 */
import type { Policy } from '../access/policy/policy.ts';
import { auditedSearch, type ActionRequest, type AuditedActionDeps } from './audited-action.ts';
import type { AuditFilter, AuditLog, AuditRecord } from './audit-log.ts';
import type { AuditProofs } from './audit-proofs.ts';

/** Which entries: a filter, and the page of them wanted (none: only how many match). */
export interface AuditSearchTerms {
  readonly filter: AuditFilter;
  readonly page?: { readonly limit: number; readonly beforeSeq?: number | undefined } | undefined;
  /** Also count every entry the filter matches (a FHIR searchset's `total`). */
  readonly total?: boolean | undefined;
}

export interface SearchAuditRequest extends ActionRequest {
  /** The patient the search names, when it names one (checked before access). */
  readonly nhsNumber?: string | undefined;
  /** `audit-search` unless the request says otherwise. */
  readonly attempted?: string | undefined;
  /** Reads the terms, throwing the caller's own error when unusable; called once access is allowed. */
  readonly terms: () => AuditSearchTerms;
}

/** A page of entries, newest first, and how many match when asked. */
export interface AuditSearchAnswer {
  readonly records: readonly AuditRecord[];
  readonly total?: number | undefined;
}

/** One entry asked for by number. */
export interface AuditEntryRequest extends ActionRequest {
  readonly seq: number;
  /**
   * Checked before the role, with the patient the entry concerns (the FHIR API's token scopes);
   * throws to refuse.
   */
  readonly scope?: ((nhsNumber: string | undefined) => Promise<void>) | undefined;
}

export interface SearchAuditDeps extends AuditedActionDeps {
  readonly audit: Pick<AuditLog, 'append' | 'list' | 'count'>;
  readonly policy: Pick<Policy, 'mayDo'>;
  readonly proofs: Pick<AuditProofs, 'proofFor'>;
}

/** The audit searches. Each throws Forbidden (audited) or the audit's error (then nothing is answered). */
export function createSearchAudit(deps: SearchAuditDeps) {
  return {
    /** A page of the trail, newest first. */
    search(request: SearchAuditRequest): Promise<AuditSearchAnswer> {
      return auditedSearch(deps, request, {
        attempted: request.attempted ?? 'audit-search',
        nhsNumber: request.nhsNumber,
        read: async () => {
          const { filter, page, total } = request.terms();
          const [records, count] = await Promise.all([
            page === undefined
              ? []
              : deps.audit.list({
                  ...filter,
                  ...(page.beforeSeq === undefined ? {} : { beforeSeq: page.beforeSeq }),
                  limit: page.limit,
                  newestFirst: true,
                }),
            total === true ? deps.audit.count(filter) : undefined,
          ]);
          return { records, total: count };
        },
        counted: ({ records }) => ({ resultCount: records.length, nhsNumber: request.nhsNumber }),
      });
    },

    /** One entry by its number; undefined when there is none (refused first, as for any entry). */
    async entry(request: AuditEntryRequest): Promise<AuditRecord | undefined> {
      const [record] = await deps.audit.list({ afterSeq: request.seq - 1, limit: 1 });
      const found = record?.seq === request.seq ? record : undefined;
      const event = found?.entry.event;
      const nhsNumber = event !== undefined && 'nhsNumber' in event ? event.nhsNumber : undefined;
      await request.scope?.(nhsNumber);
      return auditedSearch(deps, request, {
        attempted: 'audit-read',
        nhsNumber,
        read: async () => found,
        counted: (entry) => (entry === undefined ? undefined : { resultCount: 1, nhsNumber }),
      });
    },

    /** One entry's inclusion proof against the newest signed checkpoint, or why there is none. */
    proof(
      request: ActionRequest & { readonly seq: number },
    ): Promise<Awaited<ReturnType<AuditProofs['proofFor']>>> {
      return auditedSearch(deps, request, {
        attempted: 'audit-proof',
        read: () => deps.proofs.proofFor(request.seq),
        counted: (result) =>
          result.ok ? { resultCount: 1, nhsNumber: nhsNumberOf(result.proof.entry) } : undefined,
      });
    },
  };
}

/** The patient an entry's canonical JSON names, if any (the proof carries the entry as text). */
function nhsNumberOf(entryJsonText: string): string | undefined {
  try {
    const parsed = JSON.parse(entryJsonText) as { event?: { nhsNumber?: unknown } };
    const value = parsed.event?.nhsNumber;
    return typeof value === 'string' && /^[0-9]{10}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The audit searches. */
export type SearchAudit = ReturnType<typeof createSearchAudit>;
