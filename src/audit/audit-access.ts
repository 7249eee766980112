/**
 * @module Who may search the audit trail and produce access reports: one function, so the rule
 * lives in one place.
 */
import type { Policy } from '../access/policy/policy.ts';
import type { User } from '../access/user.ts';

/**
 * True when the user may search the audit trail. With a policy, its `search-audit` action
 * decides (the default policy grants it to privacy officers); without one, privacy officers
 * and administrators may.
 */
export function maySearchAudit(user: Pick<User, 'role'>, policy?: Pick<Policy, 'mayDo'>): boolean {
  if (policy !== undefined) return policy.mayDo(user.role, 'search-audit');
  return user.role === 'privacy-officer' || user.role === 'admin';
}
