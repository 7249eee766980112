/**
 * @module The page's address as state: links push a history entry. Page paths hold no patient;
 * a record's history entry carries its patient in `history.state` only (src/web/record-route.ts).
 */
import { useCallback, useEffect, useState } from 'react';

/** Where the page is: its path and its history entry's state. */
export interface Route {
  readonly path: string;
  readonly state: unknown;
}

/** Goes to a path; `replace` changes the current history entry instead of adding one. */
export type Go = (path: string, state?: unknown, options?: { readonly replace?: boolean }) => void;

function here(): Route {
  return { path: window.location.pathname, state: window.history.state as unknown };
}

/** The current route and a way to go to another. */
export function useRoute(): readonly [Route, Go] {
  const [route, setRoute] = useState<Route>(here);
  useEffect(() => {
    const follow = (): void => {
      setRoute(here());
    };
    window.addEventListener('popstate', follow);
    return () => {
      window.removeEventListener('popstate', follow);
    };
  }, []);
  const go = useCallback<Go>((next, state = null, options = {}) => {
    if (options.replace === true) window.history.replaceState(state, '', next);
    else if (next !== window.location.pathname || state !== null) {
      window.history.pushState(state, '', next);
    }
    setRoute({ path: next, state });
  }, []);
  return [route, go] as const;
}
