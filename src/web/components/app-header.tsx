/** @module The service header: name, the signed-in professional, and Sign out. */
import type { SessionUser } from '../../api/session.ts';

export interface AppHeaderProps {
  readonly user: SessionUser | undefined;
  readonly onSignOut: () => void;
}

/** The blue NHS-style header bar. */
export function AppHeader({ user, onSignOut }: AppHeaderProps) {
  return (
    <header className="header">
      <div className="header__inner">
        <span className="header__service">My Care Record</span>
        {user !== undefined && (
          <div className="header__user">
            <p className="header__who">
              <span className="header__name">{user.displayName}</span>
              <span className="header__role">{user.roleName}</span>
              <span className="header__org">{user.organisation}</span>
            </p>
            <button type="button" className="button button--reverse" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
