/**
 * @module Who may search the audit trail and produce access reports: one function, so the rule
 * lives in one place.
 */
import type { Policy } from '../access/policy/policy.ts';
import type { User } from '../access/user.ts';

/**
 * True when the policy's `search-audit` action is granted to the user's role (the default policy
 * grants it to privacy officers only). The policy is the only source: there is no fallback.
 */
export function maySearchAudit(user: Pick<User, 'role'>, policy: Pick<Policy, 'mayDo'>): boolean {
  return policy.mayDo(user.role, 'search-audit');
}
