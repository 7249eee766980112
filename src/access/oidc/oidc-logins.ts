/**
 * @module Sign-ins in progress at an OpenID Connect provider: the state, nonce and PKCE verifier
 * kept in the database under the hash of a random handle that only the browser's cookie holds
 * (src/access/oidc/pending-sign-in.ts). Taking one deletes it, so a callback works once; each lives
 * ten minutes at most.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.ts';
import {
  freshPending,
  pendingExpired,
  pendingId,
  pendingTimes,
  storedId,
  type PendingChecks,
} from './pending-sign-in.ts';

/** How long a person has at the provider before the sign-in must start again. */
export const OIDC_LOGIN_TTL_SECONDS = 600;

/** What the callback checks the provider's answer against. */
export type OidcLoginChecks = PendingChecks;

export interface OidcLogins {
  /** Records a new sign-in; returns the handle for the cookie and the values for the provider. */
  start(): Promise<OidcLoginChecks & { readonly handle: string }>;
  /** The sign-in for a handle, removed as it is read; undefined when unknown, used or expired. */
  take(handle: string | undefined): Promise<OidcLoginChecks | undefined>;
}

export function createOidcLogins(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): OidcLogins {
  const { db, now } = deps;
  return {
    async start() {
      const at = now();
      await db.deleteFrom('oidc_logins').where('expires_at', '<=', at.toISOString()).execute();
      const login = freshPending();
      await db
        .insertInto('oidc_logins')
        .values({
          id: storedId(login.handle),
          state: login.state,
          nonce: login.nonce,
          code_verifier: login.codeVerifier,
          ...pendingTimes(at, OIDC_LOGIN_TTL_SECONDS),
        })
        .execute();
      return login;
    },

    async take(handle) {
      const id = pendingId(handle);
      if (id === undefined) return undefined;
      // Delete-and-return in one statement: two callbacks racing cannot both get it.
      const row = await db
        .deleteFrom('oidc_logins')
        .where('id', '=', id)
        .returning(['state', 'nonce', 'code_verifier', 'expires_at'])
        .executeTakeFirst();
      if (row === undefined || pendingExpired(row.expires_at, now())) return undefined;
      return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
    },
  };
}
