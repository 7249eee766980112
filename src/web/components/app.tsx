/** @module The app shell: restores the session, then shows sign-in or the signed-in pages. */
import type { ApiClient } from '../api-client.ts';
import type { SessionUser } from '../../api/session.ts';
import { PageFrame } from './page-frame.tsx';
import { SignInPage } from './sign-in-page.tsx';
import { SignedInPages } from './signed-in-pages.tsx';
import { useSessionPhase } from './use-session-phase.ts';

export interface AppProps {
  readonly api: ApiClient;
  /** The clock, passed in so ages are testable. */
  readonly now: () => Date;
}

/** The whole UI. Clinical data lives only in the workspace's state and goes when it unmounts. */
export function App({ api, now }: AppProps) {
  const { phase, signedIn, sessionEnded, signOut } = useSessionPhase(api);

  return (
    <PageFrame
      signedIn={
        phase.kind === 'signed-in'
          ? { who: <StaffMember user={phase.session.user} />, onSignOut: () => void signOut() }
          : undefined
      }
    >
      {phase.kind === 'starting' && (
        <p role="status" className="loading">
          Loading…
        </p>
      )}
      {phase.kind === 'signed-out' && (
        <SignInPage api={api} notice={phase.notice} onSignedIn={signedIn} />
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
    </PageFrame>
  );
}

/** The signed-in professional, as the header names them. */
function StaffMember({ user }: { readonly user: SessionUser }) {
  return (
    <>
      <span className="header__name">{user.displayName}</span>
      <span className="header__role">{user.roleName}</span>
      <span className="header__org">{user.organisation}</span>
    </>
  );
}
