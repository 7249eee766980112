/**
 * @module SMART launches in progress at an EHR's authorisation server: the EHR's `iss`, state,
 * nonce and PKCE verifier kept in the database under the hash of a random handle that only the
 * browser's cookie holds (src/access/oidc/pending-sign-in.ts). Taking one deletes it, so a callback
 * works once; each lives ten minutes.
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
} from '../oidc/pending-sign-in.ts';

/** How long a person has at the EHR's authorisation server before the launch must start again. */
export const SMART_LAUNCH_TTL_SECONDS = 600;

/** What the callback checks the EHR's answer against. */
export interface SmartLaunchChecks extends PendingChecks {
  readonly iss: string;
}

export interface SmartLaunches {
  /** Records a new launch for `iss`; returns the handle for the cookie and the values for the EHR. */
  start(iss: string): Promise<SmartLaunchChecks & { readonly handle: string }>;
  /** The launch for a handle, removed as it is read; undefined when unknown, used or expired. */
  take(handle: string | undefined): Promise<SmartLaunchChecks | undefined>;
}

export function createSmartLaunches(deps: {
  readonly db: Kysely<DatabaseSchema>;
  readonly now: () => Date;
}): SmartLaunches {
  const { db, now } = deps;
  return {
    async start(iss) {
      const at = now();
      await db.deleteFrom('smart_launches').where('expires_at', '<=', at.toISOString()).execute();
      const launch = { iss, ...freshPending() };
      await db
        .insertInto('smart_launches')
        .values({
          id: storedId(launch.handle),
          iss,
          state: launch.state,
          nonce: launch.nonce,
          code_verifier: launch.codeVerifier,
          ...pendingTimes(at, SMART_LAUNCH_TTL_SECONDS),
        })
        .execute();
      return launch;
    },

    async take(handle) {
      const id = pendingId(handle);
      if (id === undefined) return undefined;
      // Delete-and-return in one statement: two callbacks racing cannot both get it.
      const row = await db
        .deleteFrom('smart_launches')
        .where('id', '=', id)
        .returning(['iss', 'state', 'nonce', 'code_verifier', 'expires_at'])
        .executeTakeFirst();
      if (row === undefined || pendingExpired(row.expires_at, now())) return undefined;
      return { iss: row.iss, state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
    },
  };
}
