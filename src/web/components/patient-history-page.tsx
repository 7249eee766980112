/**
 * @module "Who has looked at my record": the last 12 months, newest first, in plain words (who,
 * their role, their organisation, when, on what basis). Each line can be checked in this browser
 * against the signed audit trail, and a concern raised about it.
 */
import { useState } from 'react';
import type { HistoryLine } from '../../api/patient-portal.ts';
import type { PatientApiClient } from '../patient-api-client.ts';
import { checkEntryProof } from '../proof-check.ts';
import { basisText, concernStatusText, kindTitle, whenText } from '../patient-text.ts';
import { ErrorMessage } from './error-message.tsx';
import { endsSession, usePatientLoad, type PatientPageProps } from './patient-page.ts';
import { RaiseConcernForm } from './raise-concern-form.tsx';

const readHistory = (api: PatientApiClient) => api.getAccessHistory();

export function PatientHistoryPage({ api, onSessionEnded }: PatientPageProps) {
  const [reloads, setReloads] = useState(0);
  const load = usePatientLoad({ api, onSessionEnded }, readHistory, reloads);

  return (
    <div className="patient-page">
      <h1>Who has looked at your record</h1>
      <p className="lede">
        Every time someone looks at your record through My Care Record, or records or ends a
        permission to, it is logged. Here is the last 12 months, newest first.
      </p>
      <p>
        When a professional opens your record before recording your permission, they are asked for
        it first; that is not listed as an attempt. A refused attempt that a privacy check flagged
        is listed.
      </p>
      {load.kind === 'loading' && (
        <p role="status" className="loading">
          Loading who has looked at your record…
        </p>
      )}
      {load.kind === 'error' && <ErrorMessage message={load.error.message} />}
      {load.kind === 'loaded' && (
        <>
          {load.value.truncated && (
            <p className="inset inset--warning">
              Your history is long: only the most recent part is shown.
            </p>
          )}
          {load.value.lines.length === 0 ? (
            <p className="empty">Nobody has looked at your record in the last 12 months.</p>
          ) : (
            <ol className="history" aria-label="Accesses to your record, newest first">
              {load.value.lines.map((line) => (
                <HistoryItem
                  key={line.seq}
                  api={api}
                  line={line}
                  onSessionEnded={onSessionEnded}
                  onConcernRaised={() => {
                    setReloads((n) => n + 1);
                  }}
                />
              ))}
            </ol>
          )}
        </>
      )}
    </div>
  );
}

type Check =
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'done'; readonly good: boolean; readonly text: string };

/** The entry's own time, so the line shown is known to be the entry that was checked. */
function entryTime(entry: string): unknown {
  try {
    return (JSON.parse(entry) as { event?: { time?: unknown } }).event?.time;
  } catch {
    return undefined;
  }
}

function HistoryItem({
  api,
  line,
  onSessionEnded,
  onConcernRaised,
}: PatientPageProps & { readonly line: HistoryLine; readonly onConcernRaised: () => void }) {
  const [check, setCheck] = useState<Check>({ kind: 'idle' });
  const [raising, setRaising] = useState(false);
  const headingId = `line-${line.seq}`;

  async function checkLine() {
    setCheck({ kind: 'checking' });
    const result = await api.getLineProof(line.seq);
    if (!result.ok) {
      if (endsSession(result.error)) {
        onSessionEnded();
        return;
      }
      setCheck({ kind: 'done', good: false, text: result.error.message });
      return;
    }
    const proof = result.value;
    const verdict = await checkEntryProof(proof, line.seq);
    const signed = verdict.signature === 'valid' || verdict.signature === 'unsupported';
    const sameLine = entryTime(proof.entry) === line.time;
    if (verdict.included && signed && sameLine) {
      setCheck({
        kind: 'done',
        good: true,
        text: `Checked: this line is in the signed audit trail (entry ${line.seq}, checkpoint ${verdict.treeSize}, signed ${whenText(proof.checkpoint.timestamp)}).`,
      });
    } else {
      setCheck({
        kind: 'done',
        good: false,
        text: `Not verified: ${
          !sameLine
            ? 'the audit entry is not the one this line describes'
            : (verdict.problem ?? 'the checkpoint’s signature does not check out')
        }. Tell the privacy officer.`,
      });
    }
  }

  return (
    <li className="history__line" aria-labelledby={headingId}>
      <h2 id={headingId} className="history__title">
        {kindTitle(line.kind)}
        <span className="history__when">
          {' '}
          — <time dateTime={line.time}>{whenText(line.time)}</time>
        </span>
      </h2>
      <p>{line.summary}</p>
      <dl className="facts facts--small">
        {line.organisation !== undefined && (
          <div>
            <dt>Organisation</dt>
            <dd>{line.organisation.name}</dd>
          </div>
        )}
        {line.role !== undefined && (
          <div>
            <dt>Role</dt>
            <dd>{line.role}</dd>
          </div>
        )}
        {line.professional !== undefined && (
          <div>
            <dt>Name</dt>
            <dd>{line.professional}</dd>
          </div>
        )}
        {line.basis !== undefined && (
          <div>
            <dt>Basis</dt>
            <dd>{basisText(line)}</dd>
          </div>
        )}
      </dl>
      {line.flagged !== undefined && (
        <p className="inset inset--warning">
          <strong>Checked by a privacy officer:</strong> {line.flagged}.
        </p>
      )}
      {line.concern !== undefined && (
        <div className="inset">
          <p>
            <strong>Your concern:</strong> {concernStatusText(line.concern)}
          </p>
          {line.concern.note !== undefined && (
            <p>
              <strong>Their note:</strong> {line.concern.note}
            </p>
          )}
        </div>
      )}
      <div className="history__actions no-print">
        <button
          type="button"
          className="button button--secondary"
          disabled={check.kind === 'checking'}
          aria-describedby={headingId}
          onClick={() => void checkLine()}
        >
          Check this line against the signed audit
        </button>
        {line.concern === undefined && !raising && (
          <button
            type="button"
            className="button button--secondary"
            aria-describedby={headingId}
            onClick={() => {
              setRaising(true);
            }}
          >
            Raise a concern about this
          </button>
        )}
      </div>
      {check.kind === 'checking' && (
        <p role="status" className="loading">
          Checking in this browser…
        </p>
      )}
      {check.kind === 'done' && (
        <div className={check.good ? 'proof proof--good' : 'proof proof--bad'} role="status">
          <p className="proof__how">{check.text}</p>
        </div>
      )}
      {raising && line.concern === undefined && (
        <RaiseConcernForm
          api={api}
          seq={line.seq}
          onSessionEnded={onSessionEnded}
          onCancel={() => {
            setRaising(false);
          }}
          onRaised={() => {
            setRaising(false);
            onConcernRaised();
          }}
        />
      )}
    </li>
  );
}
