/**
 * @module Sign-in sessions kept in the database. The token lives only in the user's cookie;
 * the database holds its SHA-256, so a copy of the database cannot be used to sign in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../store/schema.ts';
import { USER_COLUMNS, userFromRow, type User } from './user.ts';

const TOKEN_BYTES = 32;
/**
 * How stale the stored `last_seen_at` may be: a request writes it only when it is at least this
 * old (or a tenth of the idle timeout, if that is shorter), so a clinician's burst of requests
 * (a record view and its documents) costs one durable write, not one each. A session may then end
 * up to this much before a full idle timeout after its last request, never later.
 */
export const LAST_SEEN_WRITE_INTERVAL_MS = 30_000;
// 32 bytes in unpadded base64url.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A live session, as resolved from its token. */
export interface Session {
  readonly userId: string;
  /** Sent back with every state-changing request; see {@link verifyCsrf}. */
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** When the session ends however active it is. */
  readonly expiresAt: Date;
  /** When the session ends if nothing more happens. */
  readonly idleExpiresAt: Date;
  /** Started by a SMART launch from an EHR: the patient in the EHR's context, which the UI opens first. */
  readonly launchNhsNumber?: string | undefined;
}

/** What signing in hands the browser: the token goes in an HttpOnly cookie, the CSRF token to the page. */
export interface NewSession {
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export type ResolvedSession =
  { readonly session: Session; readonly user: User } | { readonly expired: 'idle' | 'absolute' };

export interface SessionsDeps {
  readonly db: Kysely<DatabaseSchema>;
  readonly now?: (() => Date) | undefined;
  /** Minutes without a request after which a session ends (15 in the default configuration). */
  readonly idleTimeoutMinutes: number;
  /** Hours after sign-in at which a session ends however active (12 in the default configuration). */
  readonly absoluteTimeoutHours: number;
}

export interface Sessions {
  /** Starts a new session for a signed-in user. Call at every sign-in: a fresh token each time is the rotation. */
  create(
    userId: string,
    options?: { readonly launchNhsNumber?: string | undefined },
  ): Promise<NewSession>;
  /**
   * The session and user for a token, refreshing its idle timer (a durable write at most every
   * {@link LAST_SEEN_WRITE_INTERVAL_MS}). An expired session is deleted
   * and reported as expired; an unknown token, or one whose account is disabled, gives undefined.
   */
  resolve(token: string | undefined): Promise<ResolvedSession | undefined>;
  /** Ends one session (sign-out). */
  destroy(token: string | undefined): Promise<void>;
  /** Ends every session of a user. */
  destroyAllForUser(userId: string): Promise<void>;
  /** Deletes every expired session; returns how many. */
  purgeExpired(): Promise<number>;
}

/** The session's id in the database: hex SHA-256 of the token. */
export function sessionIdForToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Builds the sessions over the store's database. */
export function createSessions(deps: SessionsDeps): Sessions {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const idleMs = deps.idleTimeoutMinutes * 60_000;
  const absoluteMs = deps.absoluteTimeoutHours * 3_600_000;
  const lastSeenWriteMs = Math.min(LAST_SEEN_WRITE_INTERVAL_MS, idleMs / 10);

  async function deleteById(id: string): Promise<void> {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  return {
    async create(userId, options = {}) {
      const at = now();
      const token = newToken();
      const csrfToken = newToken();
      const expiresAt = new Date(at.getTime() + absoluteMs);
      await db
        .insertInto('sessions')
        .values({
          id: sessionIdForToken(token),
          user_id: userId,
          csrf_token: csrfToken,
          created_at: at.toISOString(),
          last_seen_at: at.toISOString(),
          expires_at: expiresAt.toISOString(),
          launch_nhs_number: options.launchNhsNumber ?? null,
        })
        .execute();
      return { token, csrfToken, expiresAt };
    },

    async resolve(token) {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return undefined;
      const id = sessionIdForToken(token);
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          ...USER_COLUMNS,
          'sessions.csrf_token',
          'sessions.created_at as session_created_at',
          'sessions.last_seen_at',
          'sessions.expires_at',
          'sessions.launch_nhs_number',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const at = now();
      const expiresAt = new Date(row.expires_at);
      const lastSeenAt = new Date(row.last_seen_at);
      if (at.getTime() >= expiresAt.getTime()) {
        await deleteById(id);
        return { expired: 'absolute' };
      }
      if (at.getTime() - lastSeenAt.getTime() >= idleMs) {
        await deleteById(id);
        return { expired: 'idle' };
      }
      const user = userFromRow(row);
      if (user === undefined || user.disabled) {
        await deleteById(id);
        return undefined;
      }
      // The idle timer runs from the stored time; refreshed at most every lastSeenWriteMs.
      let seen = lastSeenAt;
      if (at.getTime() - lastSeenAt.getTime() >= lastSeenWriteMs) {
        await db
          .updateTable('sessions')
          .set({ last_seen_at: at.toISOString() })
          .where('id', '=', id)
          .execute();
        seen = at;
      }
      return {
        user,
        session: {
          userId: user.id,
          csrfToken: row.csrf_token,
          createdAt: new Date(row.session_created_at),
          lastSeenAt: seen,
          expiresAt,
          idleExpiresAt: new Date(Math.min(seen.getTime() + idleMs, expiresAt.getTime())),
          ...(row.launch_nhs_number === null ? {} : { launchNhsNumber: row.launch_nhs_number }),
        },
      };
    },

    async destroy(token) {
      if (token === undefined || !TOKEN_PATTERN.test(token)) return;
      await deleteById(sessionIdForToken(token));
    },

    async destroyAllForUser(userId) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },

    async purgeExpired() {
      const at = now();
      const idleCutoff = new Date(at.getTime() - idleMs).toISOString();
      const result = await db
        .deleteFrom('sessions')
        .where((eb) =>
          eb.or([eb('expires_at', '<=', at.toISOString()), eb('last_seen_at', '<=', idleCutoff)]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/**
 * True when the CSRF token presented with a request is the session's. Both sides are hashed
 * first so the comparison takes the same time whatever the lengths.
 */
export function verifyCsrf(
  session: Pick<Session, 'csrfToken'>,
  presented: string | undefined,
): boolean {
  if (presented === undefined || presented === '' || session.csrfToken === '') return false;
  const expected = createHash('sha256').update(session.csrfToken, 'utf8').digest();
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(expected, actual);
}
