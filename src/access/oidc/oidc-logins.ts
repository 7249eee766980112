/**
 * @module Sign-ins in progress at an OpenID Connect provider: the state, nonce and PKCE verifier
 * kept in the database under the hash of a random handle that only the browser's cookie holds.
 * Taking one deletes it, so a callback works once; each lives ten minutes at most.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.ts';

/** How long a person has at the provider before the sign-in must start again. */
export const OIDC_LOGIN_TTL_SECONDS = 600;
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What the callback checks the provider's answer against. */
export interface OidcLoginChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface OidcLogins {
  /** Records a new sign-in; returns the handle for the cookie and the values for the provider. */
  start(): Promise<OidcLoginChecks & { readonly handle: string }>;
  /** The sign-in for a handle, removed as it is read; undefined when unknown, used or expired. */
  take(handle: string | undefined): Promise<OidcLoginChecks | undefined>;
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

function idFor(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
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
      const login = { handle: random(), state: random(), nonce: random(), codeVerifier: random() };
      await db
        .insertInto('oidc_logins')
        .values({
          id: idFor(login.handle),
          state: login.state,
          nonce: login.nonce,
          code_verifier: login.codeVerifier,
          created_at: at.toISOString(),
          expires_at: new Date(at.getTime() + OIDC_LOGIN_TTL_SECONDS * 1000).toISOString(),
        })
        .execute();
      return login;
    },

    async take(handle) {
      if (handle === undefined || !HANDLE_PATTERN.test(handle)) return undefined;
      // Delete-and-return in one statement: two callbacks racing cannot both get it.
      const row = await db
        .deleteFrom('oidc_logins')
        .where('id', '=', idFor(handle))
        .returning(['state', 'nonce', 'code_verifier', 'expires_at'])
        .executeTakeFirst();
      if (row === undefined || row.expires_at <= now().toISOString()) return undefined;
      return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
    },
  };
}
