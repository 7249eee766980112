/**
 * @module Which pages each signed-in role is offered, from the actions the access policy
 * gives it (policy/default-policy.yaml): clinicians find patients, privacy officers search the
 * audit and review, administrators watch the sources. Every page still handles a 403 plainly.
 */
import type { SessionUser } from '../api/session.ts';

/** A page of the signed-in UI. */
export type PageId = 'patients' | 'audit' | 'access-report' | 'reviews' | 'sources';

/** A page's place in the navigation. */
export interface PageLink {
  readonly id: PageId;
  readonly path: string;
  readonly label: string;
}

/** What a page needs: a policy action, or `signed-in` for any session. */
const PAGES: readonly (PageLink & { readonly needs: string })[] = [
  { id: 'patients', path: '/', label: 'Find a patient', needs: 'view-record' },
  { id: 'audit', path: '/audit', label: 'Audit trail', needs: 'search-audit' },
  { id: 'access-report', path: '/access-report', label: 'Access report', needs: 'search-audit' },
  { id: 'reviews', path: '/reviews', label: 'Review queue', needs: 'review-emergency-access' },
  { id: 'sources', path: '/sources', label: 'Source systems', needs: 'signed-in' },
];

/** The user's policy actions, as the server's session lists them (the policy file decides). */
export function actionsOf(user: SessionUser): readonly string[] {
  return user.actions;
}

/** The pages this user may use, in navigation order (the first is their home page). */
export function pagesFor(user: SessionUser): readonly PageLink[] {
  const actions = new Set(actionsOf(user));
  return PAGES.filter((page) => page.needs === 'signed-in' || actions.has(page.needs)).map(
    ({ id, path, label }) => ({ id, path, label }),
  );
}

/** The page a path shows this user: unknown or not-allowed paths show their home page. */
export function pageAt(path: string, pages: readonly PageLink[]): PageLink | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  // A record's address belongs to the patients page (src/web/record-route.ts).
  if (clean.startsWith('/patients/')) {
    const patients = pages.find((page) => page.id === 'patients');
    if (patients !== undefined) return patients;
  }
  return pages.find((page) => page.path === clean) ?? pages[0];
}
