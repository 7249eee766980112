/**
 * @module Signing in, as steps: the credentials (or the provider's answer) checked → a refusal
 * audited → a fresh session (the one this browser already had ends) → the sign-in audited.
 * Every sign-in runs these steps: a password, OpenID Connect and a SMART launch for staff
 * ({@link createStaffSignIn}), NHS login for patients (src/access/nhs-login/patient-sign-in.ts).
 */
import { auditActor } from '../audit/audit-actor.ts';
import {
  auditableUsername,
  type AuditClient,
  type AuditEvent,
  type AuditEventOf,
} from '../audit/audit-event.ts';
import type { Sessions } from './sessions.ts';
import type { AuthenticationFailure, UserAccounts } from './user-accounts.ts';
import type { User } from './user.ts';

/** Where and when a sign-in step happened: the fields its audit entry starts with. */
export interface SignInContext {
  readonly time: string;
  readonly requestId: string;
  readonly client: AuditClient;
}

/** What the protocol made of the attempt: who signed in, or why not. */
export type SignInAttempt<Who, Failure> =
  { readonly ok: true; readonly who: Who } | { readonly ok: false; readonly failure: Failure };

/** The answer of a sign-in: who and their new session, or the refusal (already audited). */
export type SignInResult<Who, Failure, Session> =
  | { readonly ok: true; readonly who: Who; readonly session: Session }
  | { readonly ok: false; readonly failure: Failure };

/** One kind of sign-in: its sessions and its two audit entries. */
export interface SignInFlow<Who, Failure, Session> {
  readonly startSession: (who: Who) => Promise<Session>;
  readonly endSession: (token: string) => Promise<void>;
  readonly signedIn: (who: Who, context: SignInContext) => AuditEvent;
  readonly refused: (failure: Failure, context: SignInContext) => AuditEvent;
}

/** One sign-in request. */
export interface SignInRequest<Who, Failure> {
  readonly requestId: string;
  readonly client: AuditClient;
  /** The session this browser already had, ended by a successful sign-in. */
  readonly previousToken?: string | undefined;
  /** Checks the credentials or the provider's answer (a protocol's own step). */
  readonly attempt: () => Promise<SignInAttempt<Who, Failure>>;
}

/** What every sign-in needs. */
export interface SignInDeps {
  readonly audit: { append(event: AuditEvent): Promise<unknown> };
  readonly now: () => Date;
}

/** The sign-in steps for one kind of sign-in. Throws the audit's error (then no session is kept). */
export function createSignIn<Who, Failure, Session>(
  deps: SignInDeps,
  flow: SignInFlow<Who, Failure, Session>,
) {
  return async function signIn(
    request: SignInRequest<Who, Failure>,
  ): Promise<SignInResult<Who, Failure, Session>> {
    const context = (): SignInContext => ({
      time: deps.now().toISOString(),
      requestId: request.requestId,
      client: request.client,
    });

    // the credentials, or the provider's answer, checked by the protocol.
    const attempt = await request.attempt();

    // refused: audited (no one is signed in, so the entry names only what was tried).
    if (!attempt.ok) {
      await deps.audit.append(flow.refused(attempt.failure, context()));
      return attempt;
    }

    // a fresh session at every sign-in; a session this browser already had ends here.
    if (request.previousToken !== undefined) await flow.endSession(request.previousToken);
    const session = await flow.startSession(attempt.who);

    // the sign-in audited.
    await deps.audit.append(flow.signedIn(attempt.who, context()));
    return { ok: true, who: attempt.who, session };
  };
}

/** How a member of staff signed in. */
export type StaffSignInMethod = AuditEventOf<'sign-in'>['method'];

/** A member of staff who signed in; a SMART launch also names its EHR and patient. */
export interface StaffSignedIn {
  readonly user: User;
  readonly launch?: { readonly iss: string; readonly nhsNumber: string } | undefined;
}

/** A refused staff sign-in: why (a code), what was given as the user name, and a launch's `iss`. */
export interface StaffRefusal<R extends string = string> {
  readonly reason: R;
  /** `''` when nothing was. */
  readonly attempted: string;
  readonly iss?: string | undefined;
}

/** What an identity provider (OpenID Connect) or an EHR (SMART launch) answered. */
export type ProviderAnswer<R extends string> =
  | {
      readonly ok: true;
      readonly user: User;
      readonly iss?: string | undefined;
      readonly nhsNumber?: string | undefined;
    }
  | ({ readonly ok: false } & StaffRefusal<R>);

/** The refusals that mean the other side could not be reached: `failure`, not `denied`. */
const UNREACHABLE = new Set(['provider-unavailable', 'discovery-unavailable']);

// eslint-disable-next-line no-control-regex -- the audit schema's own rule for a URL
const AUDITABLE_URL = /^https?:\/\/[^\x00-\x20\x7F]{1,292}$/;

/** The `issuer` field, when the URL fits the audit (a launch may name anything). */
function issuerField(iss: string | undefined): { issuer?: string } {
  return iss !== undefined && AUDITABLE_URL.test(iss) ? { issuer: iss } : {};
}

/** A sign-in request without its attempt. */
type StaffRequest = Omit<SignInRequest<never, never>, 'attempt'>;

/**
 * Staff sign-in (password, OpenID Connect, SMART launch): a staff session (a launch's opens on
 * its patient) and the `sign-in` / `sign-in-failed` entries.
 */
export function createStaffSignIn(
  deps: SignInDeps & {
    readonly sessions: Pick<Sessions, 'create' | 'destroy'>;
    readonly accounts: Pick<UserAccounts, 'authenticate'>;
  },
) {
  const byMethod = <R extends string>(method: StaffSignInMethod) =>
    createSignIn(deps, {
      startSession: ({ user, launch }: StaffSignedIn) =>
        launch === undefined
          ? deps.sessions.create(user.id)
          : deps.sessions.create(user.id, { launchNhsNumber: launch.nhsNumber }),
      endSession: (token) => deps.sessions.destroy(token),
      signedIn: ({ user, launch }, context) => ({
        action: 'sign-in',
        ...context,
        actor: auditActor(user),
        outcome: 'success',
        method,
        ...(launch === undefined
          ? {}
          : { ...issuerField(launch.iss), nhsNumber: launch.nhsNumber }),
      }),
      refused: (failure: StaffRefusal<R>, context) => ({
        action: 'sign-in-failed',
        ...context,
        actor: null,
        attemptedUsername: auditableUsername(failure.attempted),
        outcome: UNREACHABLE.has(failure.reason) ? 'failure' : 'denied',
        method,
        reasonCode: failure.reason,
        ...issuerField(failure.iss),
      }),
    });

  /** The provider's answer as a sign-in attempt. */
  const fromProvider = <R extends string>(
    answer: ProviderAnswer<R>,
  ): SignInAttempt<StaffSignedIn, StaffRefusal<R>> =>
    answer.ok
      ? {
          ok: true,
          who: {
            user: answer.user,
            launch:
              answer.iss === undefined || answer.nhsNumber === undefined
                ? undefined
                : { iss: answer.iss, nhsNumber: answer.nhsNumber },
          },
        }
      : {
          ok: false,
          failure: { reason: answer.reason, attempted: answer.attempted, iss: answer.iss },
        };

  const password = byMethod<AuthenticationFailure>('password');
  return {
    /** A user name and password, counted against the sign-in limits of `address`. */
    password(
      request: StaffRequest & {
        readonly username: string;
        readonly password: string;
        readonly address: string;
      },
    ) {
      return password({
        ...request,
        attempt: async () => {
          const result = await deps.accounts.authenticate(
            request.username,
            request.password,
            request.address,
          );
          return result.ok
            ? { ok: true, who: { user: result.user } }
            : { ok: false, failure: { reason: result.reason, attempted: request.username } };
        },
      });
    },

    /** OpenID Connect (`oidc`) or a SMART launch (`smart`): the provider's answer, once had. */
    provider<R extends string>(
      method: 'oidc' | 'smart',
      request: StaffRequest & { readonly answer: () => Promise<ProviderAnswer<R>> },
    ) {
      return byMethod<R>(method)({
        ...request,
        attempt: async () => fromProvider(await request.answer()),
      });
    },

    /** A sign-in refused before any provider was asked (a launch from an unknown EHR): audited. */
    async refused<R extends string>(
      method: 'oidc' | 'smart',
      request: StaffRequest & { readonly failure: StaffRefusal<R> },
    ): Promise<StaffRefusal<R>> {
      const failure = request.failure;
      await byMethod<R>(method)({ ...request, attempt: async () => ({ ok: false, failure }) });
      return failure;
    },
  };
}

/** Staff sign-in, by method. */
export type StaffSignIn = ReturnType<typeof createStaffSignIn>;
