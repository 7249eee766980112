/**
 * @module Signing out, as steps: the session ends → the sign-out audited. Staff sign out here
 * ({@link createStaffSignOut}); patients through src/access/nhs-login/patient-sign-in.ts.
 */
import { auditActor } from '../audit/audit-actor.ts';
import type { AuditClient, AuditEvent } from '../audit/audit-event.ts';
import type { SignInContext, SignInDeps } from './sign-in.ts';
import type { Sessions } from './sessions.ts';
import type { User } from './user.ts';

/** One sign-out: who, and the session's token. */
export interface SignOutRequest<Who> {
  readonly who: Who;
  readonly token: string | undefined;
  readonly requestId: string;
  readonly client: AuditClient;
}

/** The sign-out steps for one kind of session. Throws the audit's error (the session has ended). */
export function createSignOut<Who>(
  deps: SignInDeps,
  flow: {
    readonly endSession: (token: string | undefined) => Promise<void>;
    readonly signedOut: (who: Who, context: SignInContext) => AuditEvent;
  },
) {
  return async function signOut(request: SignOutRequest<Who>): Promise<void> {
    // the session ends.
    await flow.endSession(request.token);
    // the sign-out audited.
    await deps.audit.append(
      flow.signedOut(request.who, {
        time: deps.now().toISOString(),
        requestId: request.requestId,
        client: request.client,
      }),
    );
  };
}

/** A member of staff signing out: the `sign-out` entry. */
export function createStaffSignOut(
  deps: SignInDeps & { readonly sessions: Pick<Sessions, 'destroy'> },
) {
  return createSignOut<User>(deps, {
    endSession: (token) => deps.sessions.destroy(token),
    signedOut: (user, context) => ({
      action: 'sign-out',
      ...context,
      actor: auditActor(user),
      outcome: 'success',
    }),
  });
}
