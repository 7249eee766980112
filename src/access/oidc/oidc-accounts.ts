/**
 * @module Accounts of people who sign in through an OpenID Connect provider: found by the
 * provider's issuer and subject, created on first sign-in when the configuration allows, and
 * kept in step with the provider's claims (role, organisation, name) at every sign-in.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.ts';
import { isUniqueViolation } from '../../store/store-errors.ts';
import { USER_COLUMNS, userFromRow, type User } from '../user.ts';
import type { OidcIdentity } from './claim-mapping.ts';

/** Why an identity could not become a signed-in account here. */
export type OidcAccountFailure = 'no-account' | 'disabled' | 'username-taken';

export type OidcAccountResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: OidcAccountFailure };

export interface OidcAccounts {
  /** The account for a provider's subject, updated from its claims; or created when `createUsers`. Never throws for refusals. */
  findOrCreate(request: {
    readonly issuer: string;
    readonly identity: OidcIdentity;
    readonly createUsers: boolean;
  }): Promise<OidcAccountResult>;
}

export function createOidcAccounts(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): OidcAccounts {
  const { db, now } = deps;

  async function findBySubject(issuer: string, subject: string) {
    return db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('users.oidc_issuer', '=', issuer)
      .where('users.oidc_subject', '=', subject)
      .executeTakeFirst();
  }

  async function updateFromClaims(userId: string, identity: OidcIdentity): Promise<void> {
    await db
      .updateTable('users')
      .set({
        display_name: identity.displayName,
        role: identity.role,
        organisation: identity.organisation,
        ...(identity.sdsUserId === undefined ? {} : { sds_user_id: identity.sdsUserId }),
      })
      .where('id', '=', userId)
      .execute();
  }

  function signedIn(row: Parameters<typeof userFromRow>[0] | undefined): OidcAccountResult {
    const user = row === undefined ? undefined : userFromRow(row);
    if (user === undefined) return { ok: false, reason: 'no-account' };
    if (user.disabled) return { ok: false, reason: 'disabled' };
    return { ok: true, user };
  }

  return {
    async findOrCreate({ issuer, identity, createUsers }) {
      const existing = await findBySubject(issuer, identity.subject);
      if (existing !== undefined) {
        // A disabled account stays as it was: an administrator decided, not the provider.
        if (existing.disabled === 1) return { ok: false, reason: 'disabled' };
        await updateFromClaims(existing.id, identity);
        return signedIn(await findBySubject(issuer, identity.subject));
      }
      if (!createUsers) return { ok: false, reason: 'no-account' };
      // Never attach a provider identity to a local account that merely shares its name.
      const sameName = await db
        .selectFrom('users')
        .select('id')
        .where('username', '=', identity.username)
        .executeTakeFirst();
      if (sameName !== undefined) return { ok: false, reason: 'username-taken' };
      try {
        await db
          .insertInto('users')
          .values({
            id: randomUUID(),
            username: identity.username,
            display_name: identity.displayName,
            role: identity.role,
            organisation: identity.organisation,
            password_hash: null,
            sds_user_id: identity.sdsUserId ?? null,
            sds_role_profile_id: null,
            is_demo: 0,
            disabled: 0,
            created_at: now().toISOString(),
            oidc_issuer: issuer,
            oidc_subject: identity.subject,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The same person signing in twice at once: the first insert won; use it.
        const raced = await findBySubject(issuer, identity.subject);
        if (raced === undefined) return { ok: false, reason: 'username-taken' };
        return signedIn(raced);
      }
      return signedIn(await findBySubject(issuer, identity.subject));
    },
  };
}
