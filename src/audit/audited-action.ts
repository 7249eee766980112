/**
 * @module The common part of every audited action by a signed-in user: who, from where, under which
 * request and when (the fields every audit entry repeats), and "refuse, audit, throw".
 */
import { Forbidden } from '../access/access-errors.ts';
import type { User } from '../access/user.ts';
import { auditActor } from './audit-actor.ts';
import type { AuditActor, AuditClient, AuditEvent } from './audit-event.ts';

/** Who is acting, in which request, from which device: what every audited action is given. */
export interface ActionRequest {
  readonly user: User;
  readonly requestId: string;
  readonly client?: AuditClient | undefined;
}

/** The fields every entry of one action shares. */
export interface CommonAuditFields {
  readonly time: string;
  readonly requestId: string;
  readonly client?: AuditClient;
  readonly actor: AuditActor;
  readonly nhsNumber?: string;
}

/** A refusal as the audit records it (`access-denied`). */
export interface Refusal {
  /** What was tried, a code such as `permission-withdraw`. */
  readonly attempted: string;
  /** Why it was refused, a code such as `role-not-allowed`. */
  readonly reasonCode: string;
  /** The patient it concerned, when there is one. */
  readonly nhsNumber?: string | undefined;
}

/** One action's audit helper, from {@link auditedAction}. */
export interface AuditedAction {
  /** time (now), requestId, client, actor, and `nhsNumber` when given. */
  fields(nhsNumber: string): CommonAuditFields & { readonly nhsNumber: string };
  fields(nhsNumber?: string): CommonAuditFields;
  /**
   * Appends the refusal as `access-denied`, then throws `error`. If the refusal cannot be audited
   * the audit's error is thrown instead (503): nothing is refused unaudited.
   */
  deny(refusal: Refusal, error: Error): Promise<never>;
}

/** What {@link auditedAction} needs. */
export interface AuditedActionDeps {
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly now: () => Date;
}

/** The audit helper for one request's action. */
export function auditedAction(deps: AuditedActionDeps, request: ActionRequest): AuditedAction {
  const actor = auditActor(request.user);
  function fields(nhsNumber?: string): CommonAuditFields & { readonly nhsNumber: string } {
    // The overloads promise nhsNumber only to callers that passed one.
    return {
      time: deps.now().toISOString(),
      requestId: request.requestId,
      ...(request.client === undefined ? {} : { client: request.client }),
      actor,
      ...(nhsNumber === undefined ? {} : { nhsNumber }),
    } as CommonAuditFields & { readonly nhsNumber: string };
  }
  return {
    fields,
    async deny(refusal, error) {
      await deps.audit.append({
        ...fields(refusal.nhsNumber),
        action: 'access-denied',
        outcome: 'denied',
        attempted: refusal.attempted,
        reasonCode: refusal.reasonCode,
      });
      throw error;
    },
  };
}

/**
 * Refuses, with an audited `access-denied` (`role-not-allowed`), a user whose role the policy does
 * not allow `action`; `attempted` names what was tried (a code, e.g. `emergency-review-list`).
 */
export async function requirePolicyAction<A extends string>(
  deps: AuditedActionDeps & {
    readonly policy: { mayDo(role: User['role'], action: A): boolean };
  },
  request: ActionRequest,
  action: A,
  attempted: string,
  nhsNumber?: string,
): Promise<void> {
  if (deps.policy.mayDo(request.user.role, action)) return;
  await auditedAction(deps, request).deny(
    { attempted, reasonCode: 'role-not-allowed', nhsNumber },
    new Forbidden(),
  );
}

/** One audited reading of the trail, for {@link auditedSearch}. */
export interface AuditedSearch<T> {
  /** What is tried, a code such as `audit-search` (named in a refusal). */
  readonly attempted: string;
  /** The patient the reading concerns, when the request names one. */
  readonly nhsNumber?: string | undefined;
  /** The reading itself; its errors pass through unaudited (nothing was read). */
  readonly read: () => Promise<T>;
  /**
   * How many results the answer holds and whose they are (an entry read by number names its own
   * patient); undefined when there is nothing to answer (nothing is audited then).
   */
  readonly counted: (
    result: T,
  ) => { readonly resultCount: number; readonly nhsNumber?: string | undefined } | undefined;
}

/**
 * A reading of the trail (or of the consents that say who may look at whom), as steps:
 * access (the policy's `search-audit`, refusals audited) → the reading → `audit-searched` with
 * how many results, before the answer leaves: no audit entry, no answer.
 */
export async function auditedSearch<T>(
  deps: AuditedActionDeps & {
    readonly policy: { mayDo(role: User['role'], action: 'search-audit'): boolean };
  },
  request: ActionRequest,
  search: AuditedSearch<T>,
): Promise<T> {
  await requirePolicyAction(deps, request, 'search-audit', search.attempted, search.nhsNumber);
  const result = await search.read();
  const counted = search.counted(result);
  if (counted === undefined) return result;
  await deps.audit.append({
    ...auditedAction(deps, request).fields(counted.nhsNumber),
    action: 'audit-searched',
    outcome: 'success',
    resultCount: counted.resultCount,
  });
  return result;
}
