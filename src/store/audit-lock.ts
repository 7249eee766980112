/**
 * @module The key of PostgreSQL's audit lock, shared by the store (which takes it for every audited
 * transaction) and the append function of migration 0012 (which takes it for a group written alone).
 */

/**
 * First key of the transaction-scoped advisory lock that serialises audit appends ("mcr" + "A");
 * the second key is `hashtext(current_schema())`, so each schema has its own trail and lock.
 */
export const AUDIT_LOCK_CLASS = 0x6d637241;
