/** @module The page's path as state: links push a history entry (page paths only, never a patient). */
import { useCallback, useEffect, useState } from 'react';

/** The current path and a way to go to another. */
export function useRoute(): readonly [string, (path: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const follow = (): void => {
      setPath(window.location.pathname);
    };
    window.addEventListener('popstate', follow);
    return () => {
      window.removeEventListener('popstate', follow);
    };
  }, []);
  const go = useCallback((next: string) => {
    if (next !== window.location.pathname) window.history.pushState(null, '', next);
    setPath(next);
  }, []);
  return [path, go] as const;
}
