/**
 * @module The frame of every page: the skip link, the service header (with who is signed in and
 * Sign out), any navigation, then the page's main content.
 */
import type { ReactNode } from 'react';

/** Who is signed in, as the header names them, and how they sign out. */
export interface SignedInHeader {
  readonly who: ReactNode;
  readonly onSignOut: () => void;
}

export interface PageFrameProps {
  /** Absent: nobody is signed in, and the header shows the service name only. */
  readonly signedIn?: SignedInHeader | undefined;
  /** Navigation between the header and the page. */
  readonly nav?: ReactNode;
  readonly children: ReactNode;
}

/** The blue NHS-style header bar above the page. */
export function PageFrame({ signedIn, nav, children }: PageFrameProps) {
  return (
    <>
      <a className="skip-link" href="#main-content">
        Skip to main content
      </a>
      <header className="header">
        <div className="header__inner">
          <span className="header__service">My Care Record</span>
          {signedIn !== undefined && (
            <div className="header__user">
              <p className="header__who">{signedIn.who}</p>
              <button type="button" className="button button--reverse" onClick={signedIn.onSignOut}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      {nav}
      <main id="main-content" className="page" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
