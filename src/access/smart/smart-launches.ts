/**
 * @module SMART launches in progress at an EHR's authorisation server: the EHR's `iss`, state,
 * nonce and PKCE verifier kept in the database under the hash of a random handle that only the
 * browser's cookie holds. Taking one deletes it, so a callback works once; each lives ten minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../store/schema.ts';

/** How long a person has at the EHR's authorisation server before the launch must start again. */
export const SMART_LAUNCH_TTL_SECONDS = 600;
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** What the callback checks the EHR's answer against. */
export interface SmartLaunchChecks {
  readonly iss: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface SmartLaunches {
  /** Records a new launch for `iss`; returns the handle for the cookie and the values for the EHR. */
  start(iss: string): Promise<SmartLaunchChecks & { readonly handle: string }>;
  /** The launch for a handle, removed as it is read; undefined when unknown, used or expired. */
  take(handle: string | undefined): Promise<SmartLaunchChecks | undefined>;
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

function idFor(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('hex');
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
      const launch = {
        iss,
        handle: random(),
        state: random(),
        nonce: random(),
        codeVerifier: random(),
      };
      await db
        .insertInto('smart_launches')
        .values({
          id: idFor(launch.handle),
          iss,
          state: launch.state,
          nonce: launch.nonce,
          code_verifier: launch.codeVerifier,
          created_at: at.toISOString(),
          expires_at: new Date(at.getTime() + SMART_LAUNCH_TTL_SECONDS * 1000).toISOString(),
        })
        .execute();
      return launch;
    },

    async take(handle) {
      if (handle === undefined || !HANDLE_PATTERN.test(handle)) return undefined;
      // Delete-and-return in one statement: two callbacks racing cannot both get it.
      const row = await db
        .deleteFrom('smart_launches')
        .where('id', '=', idFor(handle))
        .returning(['iss', 'state', 'nonce', 'code_verifier', 'expires_at'])
        .executeTakeFirst();
      if (row === undefined || row.expires_at <= now().toISOString()) return undefined;
      return { iss: row.iss, state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier };
    },
  };
}
