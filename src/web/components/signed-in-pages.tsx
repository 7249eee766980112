/** @module The signed-in UI: navigation by role, and the page the path names. */
import type { ApiClient } from '../api-client.ts';
import type { SessionUser } from '../../api/session.ts';
import { pageAt, pagesFor } from '../navigation.ts';
import { AccessReportPage } from './access-report-page.tsx';
import { AuditSearchPage } from './audit-search-page.tsx';
import { ReviewQueuePage } from './review-queue-page.tsx';
import { SiteNav } from './site-nav.tsx';
import { SourcesStatusPage } from './sources-status-page.tsx';
import { useRoute } from './use-route.ts';
import { Workspace } from './workspace.tsx';

export interface SignedInPagesProps {
  readonly api: ApiClient;
  readonly user: SessionUser;
  /** Launched from an EHR: the patient to open first. */
  readonly launchNhsNumber?: string | undefined;
  readonly now: () => Date;
  readonly onSessionEnded: () => void;
}

/** Each role sees only the pages it may use; a path it may not use shows its home page. */
export function SignedInPages({
  api,
  user,
  launchNhsNumber,
  now,
  onSessionEnded,
}: SignedInPagesProps) {
  const [route, go] = useRoute();
  const pages = pagesFor(user);
  const page = pageAt(route.path, pages);
  return (
    <>
      <SiteNav
        pages={pages}
        current={page?.id}
        onNavigate={(path) => {
          go(path);
        }}
      />
      {page === undefined && (
        <div className="narrow">
          <h1>Nothing to show</h1>
          <p>Your role has no pages in My Care Record. Ask your system administrator.</p>
        </div>
      )}
      {page?.id === 'patients' && (
        <Workspace
          api={api}
          route={route}
          go={go}
          now={now}
          launchNhsNumber={launchNhsNumber}
          onSessionEnded={onSessionEnded}
        />
      )}
      {page?.id === 'audit' && <AuditSearchPage api={api} onSessionEnded={onSessionEnded} />}
      {page?.id === 'access-report' && (
        <AccessReportPage api={api} onSessionEnded={onSessionEnded} />
      )}
      {page?.id === 'reviews' && <ReviewQueuePage api={api} onSessionEnded={onSessionEnded} />}
      {page?.id === 'sources' && <SourcesStatusPage api={api} onSessionEnded={onSessionEnded} />}
    </>
  );
}
