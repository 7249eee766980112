/** @module Signing in and the current session: `POST|GET|DELETE /api/session`, `GET /api/auth/providers`. */
import { Type, type Static } from '@sinclair/typebox';

/** The signed-in professional. */
export const SessionUser = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  /** The role's name on screen, e.g. "Privacy officer". */
  roleName: Type.String(),
  organisation: Type.String(),
  /** What the access policy lets this role do: the UI offers only these pages. */
  actions: Type.Array(Type.String()),
});
export type SessionUser = Static<typeof SessionUser>;

/** What sign-in and `GET /api/session` answer. */
export const Session = Type.Object({
  user: SessionUser,
  csrfToken: Type.String(),
  /** A session started by a SMART launch: the patient in the EHR's context, which the UI opens. */
  launch: Type.Optional(Type.Object({ nhsNumber: Type.String() })),
});
export type Session = Static<typeof Session>;

/** The body of `POST /api/session`. */
export const SignInRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type SignInRequest = Static<typeof SignInRequest>;

/** A single sign-on provider the sign-in page offers. */
export const SignInProvider = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** A same-origin path that starts the sign-in. */
  loginUrl: Type.String(),
});
export type SignInProvider = Static<typeof SignInProvider>;

/** `GET /api/auth/providers`. */
export const SignInProviders = Type.Object({ providers: Type.Array(SignInProvider) });
export type SignInProviders = Static<typeof SignInProviders>;
