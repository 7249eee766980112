/** @module The concerns the patient raised, how each review stands, and the privacy officer's note. */
import type { PatientApiClient } from '../patient-api-client.ts';
import { concernReasonText, concernStatusText, whenText } from '../patient-text.ts';
import { ErrorMessage } from './error-message.tsx';
import { usePatientLoad, type PatientPageProps } from './patient-page.ts';

const readConcerns = (api: PatientApiClient) => api.listConcerns();

export function PatientConcernsPage({ api, onSessionEnded }: PatientPageProps) {
  const load = usePatientLoad({ api, onSessionEnded }, readConcerns);

  return (
    <div className="patient-page">
      <h1>Your concerns</h1>
      <p className="lede">
        If you are worried about someone looking at your record, find the line in &ldquo;Who has
        looked at my record&rdquo; and raise a concern. A privacy officer looks into each one.
      </p>
      {load.kind === 'loading' && (
        <p role="status" className="loading">
          Loading your concerns…
        </p>
      )}
      {load.kind === 'error' && <ErrorMessage message={load.error.message} />}
      {load.kind === 'loaded' &&
        (load.value.length === 0 ? (
          <p className="empty">You have not raised any concerns.</p>
        ) : (
          <ul className="history" aria-label="Your concerns">
            {load.value.map((concern) => (
              <li key={concern.id} className="history__line">
                <h2 className="history__title">
                  {concernReasonText(concern.reason)}
                  <span className="history__when">
                    {' '}
                    — raised <time dateTime={concern.createdAt}>{whenText(concern.createdAt)}</time>
                  </span>
                </h2>
                <p>
                  About entry {concern.seq} of the audit trail.{' '}
                  <strong>{concern.status === 'open' ? 'Open' : 'Looked into'}:</strong>{' '}
                  {concernStatusText(concern)}
                </p>
                {concern.note !== undefined && (
                  <p>
                    <strong>Their note:</strong> {concern.note}
                  </p>
                )}
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
