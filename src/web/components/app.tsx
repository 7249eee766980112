/** @module The app shell: restores the session, then shows sign-in or the signed-in pages. */
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '../api-client.ts';
import type { Session } from '../../api/session.ts';
import { AppHeader } from './app-header.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { SignedInPages } from './signed-in-pages.tsx';

export interface AppProps {
  readonly api: ApiClient;
  /** The clock, passed in so ages are testable. */
  readonly now: () => Date;
}

type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'signed-out'; readonly notice?: string }
  | { readonly kind: 'signed-in'; readonly session: Session };

/** The whole UI. Clinical data lives only in the workspace's state and goes when it unmounts. */
export function App({ api, now }: AppProps) {
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });

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

  const sessionEnded = useCallback(() => {
    setPhase({ kind: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
  }, []);

  const signOut = useCallback(async () => {
    setPhase({ kind: 'signed-out', notice: 'You have signed out.' });
    await api.signOut();
  }, [api]);

  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <AppHeader
        user={phase.kind === 'signed-in' ? phase.session.user : undefined}
        onSignOut={() => void signOut()}
      />
      <main id="main-content" className="page" tabIndex={-1}>
        {phase.kind === 'starting' && (
          <p role="status" className="loading">
            Loading…
          </p>
        )}
        {phase.kind === 'signed-out' && (
          <SignInPage
            api={api}
            notice={phase.notice}
            onSignedIn={(session) => {
              setPhase({ kind: 'signed-in', session });
            }}
          />
        )}
        {phase.kind === 'signed-in' && (
          <SignedInPages
            key={phase.session.user.id}
            api={api}
            user={phase.session.user}
            launchNhsNumber={phase.session.launch?.nhsNumber}
            now={now}
            onSessionEnded={sessionEnded}
          />
        )}
      </main>
    </>
  );
}
