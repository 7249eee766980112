/**
 * @module Whether anyone is signed in: the session restored when the page loads, then signing in,
 * signing out, and a session that ended. The same for the staff app and the patient pages.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ApiResult } from '../api-client.ts';

export type SessionPhase<S> =
  | { readonly kind: 'starting' }
  | { readonly kind: 'signed-out'; readonly notice?: string }
  | { readonly kind: 'signed-in'; readonly session: S };

/** The session calls both clients (staff and patient) offer. */
export interface SessionCalls<S> {
  getSession(): Promise<ApiResult<S>>;
  signOut(): Promise<ApiResult<null>>;
}

export interface SessionControls<S> {
  readonly phase: SessionPhase<S>;
  /** Signing in succeeded with this session. */
  readonly signedIn: (session: S) => void;
  /** A call answered 401: back to signing in, saying why. */
  readonly sessionEnded: () => void;
  /** Shows the signed-out page at once, then tells the server. */
  readonly signOut: () => Promise<void>;
}

/** Starts by asking the server for the session the cookie holds, if any. */
export function useSessionPhase<S>(api: SessionCalls<S>): SessionControls<S> {
  const [phase, setPhase] = useState<SessionPhase<S>>({ kind: 'starting' });

  useEffect(() => {
    let active = true;
    void api.getSession().then((result) => {
      if (!active) return;
      setPhase(result.ok ? { kind: 'signed-in', session: result.value } : { kind: 'signed-out' });
    });
    return () => {
      active = false;
    };
  }, [api]);

  const signedIn = useCallback((session: S) => {
    setPhase({ kind: 'signed-in', session });
  }, []);

  const sessionEnded = useCallback(() => {
    setPhase({ kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
  }, []);

  const signOut = useCallback(async () => {
    setPhase({ kind: 'signed-out', notice: 'You have signed out.' });
    await api.signOut();
  }, [api]);

  return { phase, signedIn, sessionEnded, signOut };
}
