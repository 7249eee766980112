/**
 * @module The patient's pages (`/patient/…`), behind the patient session from NHS login (never a
 * staff session): who has looked at my record, my choices, my concerns, notifications. Metadata
 * only: nothing from the record itself is ever shown here.
 */
import { NHS_LOGIN_START, type PatientApiClient } from '../patient-api-client.ts';
import { PageFrame } from './page-frame.tsx';
import { PatientChoicesPage } from './patient-choices-page.tsx';
import { PatientConcernsPage } from './patient-concerns-page.tsx';
import { PatientHistoryPage } from './patient-history-page.tsx';
import { PatientSettingsPage } from './patient-settings-page.tsx';
import { SiteNav, type NavLink } from './site-nav.tsx';
import { useRoute } from './use-route.ts';
import { useSessionPhase } from './use-session-phase.ts';

/** The patient pages, in navigation order (the first is the patient's home page). */
export const PATIENT_PAGES: readonly NavLink[] = [
  { id: 'history', path: '/patient', label: 'Who has looked at my record' },
  { id: 'choices', path: '/patient/choices', label: 'My choices' },
  { id: 'concerns', path: '/patient/concerns', label: 'My concerns' },
  { id: 'notifications', path: '/patient/notifications', label: 'Notifications' },
];

/** The patient page a path shows: an unknown path shows the home page. */
export function patientPageAt(path: string): NavLink {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return PATIENT_PAGES.find((page) => page.path === clean) ?? (PATIENT_PAGES[0] as NavLink);
}

export function PatientApp({ api }: { readonly api: PatientApiClient }) {
  const { phase, sessionEnded, signOut } = useSessionPhase(api);
  const [{ path }, go] = useRoute();

  const page = patientPageAt(path);
  return (
    <PageFrame
      signedIn={
        phase.kind === 'signed-in'
          ? {
              who: (
                <>
                  <span className="header__name">Signed in with NHS login</span>
                  <span className="header__org">NHS number {phase.session.patient.nhsNumber}</span>
                </>
              ),
              onSignOut: () => void signOut(),
            }
          : undefined
      }
      nav={
        phase.kind === 'signed-in' && (
          <SiteNav pages={PATIENT_PAGES} current={page.id} onNavigate={go} />
        )
      }
    >
      {phase.kind === 'starting' && (
        <p role="status" className="loading">
          Loading…
        </p>
      )}
      {phase.kind === 'signed-out' && <PatientSignIn notice={phase.notice} />}
      {phase.kind === 'signed-in' && (
        <div key={phase.session.patient.nhsNumber}>
          {page.id === 'history' && <PatientHistoryPage api={api} onSessionEnded={sessionEnded} />}
          {page.id === 'choices' && <PatientChoicesPage api={api} onSessionEnded={sessionEnded} />}
          {page.id === 'concerns' && (
            <PatientConcernsPage api={api} onSessionEnded={sessionEnded} />
          )}
          {page.id === 'notifications' && (
            <PatientSettingsPage api={api} onSessionEnded={sessionEnded} />
          )}
        </div>
      )}
      <p className="patient-footer no-print">
        <a href="/about">About My Care Record</a>
      </p>
    </PageFrame>
  );
}

/** Not signed in: how to, and where to read more first. */
function PatientSignIn({ notice }: { readonly notice?: string | undefined }) {
  return (
    <div className="narrow">
      {notice !== undefined && (
        <p className="inset" role="status">
          {notice}
        </p>
      )}
      <h1>See who has looked at your record</h1>
      <p className="lede">
        Sign in with NHS login to see who has looked at your record through My Care Record, to
        choose whether it is shared, and to raise a concern.
      </p>
      <p>
        You need to have proved who you are with NHS login (for example in the NHS App). Nothing
        from your health record is shown on these pages: only who looked, when and why.
      </p>
      <p>
        <a className="button" href={NHS_LOGIN_START}>
          Continue with NHS login
        </a>
      </p>
    </div>
  );
}
