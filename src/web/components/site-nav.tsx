/** @module The signed-in navigation: only the pages the user (or patient) may use. */
import type { MouseEvent } from 'react';

/** A page in the navigation (the staff pages' `PageLink`, or a patient page). */
export interface NavLink {
  readonly id: string;
  readonly path: string;
  readonly label: string;
}

export interface SiteNavProps {
  readonly pages: readonly NavLink[];
  readonly current: string | undefined;
  readonly onNavigate: (path: string) => void;
}

/** Real links (they work with a middle click and the keyboard), followed in the page. */
export function SiteNav({ pages, current, onNavigate }: SiteNavProps) {
  if (pages.length < 2) return null;
  const follow = (event: MouseEvent<HTMLAnchorElement>, path: string): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    onNavigate(path);
  };
  return (
    <nav className="site-nav" aria-label="Main">
      <ul className="site-nav__list">
        {pages.map((page) => (
          <li key={page.id} className="site-nav__item">
            <a
              className="site-nav__link"
              href={page.path}
              aria-current={page.id === current ? 'page' : undefined}
              onClick={(event) => {
                follow(event, page.path);
              }}
            >
              {page.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
