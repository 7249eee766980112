/**
 * @module The patient's choices: object to sharing through My Care Record (or withdraw the
 * objection), with what that means in plain words, and the permissions live now, each of which
 * they can end.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Objection, PatientPermission } from '../../api/patient-portal.ts';
import type { ApiResult } from '../api-client.ts';
import { loaded, type Load } from '../load-state.ts';
import { coversText, whenText } from '../patient-text.ts';
import { DataTable, type ColumnHeading } from './data-table.tsx';
import { ErrorMessage } from './error-message.tsx';
import { ActionOrCancel } from './form-fields.tsx';
import { endsSession, type PatientPageProps } from './patient-page.ts';

const PERMISSION_COLUMNS: readonly ColumnHeading[] = [
  'Organisation',
  'Why',
  'Who may look',
  'Until',
  { unseen: 'Action' },
];

export function PatientChoicesPage({ api, onSessionEnded }: PatientPageProps) {
  const [objection, setObjection] = useState<Load<Objection>>({ kind: 'loading' });
  const [permissions, setPermissions] = useState<Load<readonly PatientPermission[]>>({
    kind: 'loading',
  });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const refresh = useCallback(async () => {
    const [o, p] = await Promise.all([api.getObjection(), api.listPermissions()]);
    if ((!o.ok && endsSession(o.error)) || (!p.ok && endsSession(p.error))) {
      onSessionEnded();
      return;
    }
    setObjection(loaded(o));
    setPermissions(loaded(p));
  }, [api, onSessionEnded]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function act(work: () => Promise<ApiResult<unknown>>, done: string) {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    const result = await work();
    setBusy(false);
    if (!result.ok) {
      if (endsSession(result.error)) onSessionEnded();
      else setError(result.error.message);
      return;
    }
    setConfirming(false);
    setNotice(done);
    await refresh();
  }

  return (
    <div className="patient-page">
      <h1>Your choices</h1>
      {notice !== undefined && (
        <p className="inset" role="status">
          {notice}
        </p>
      )}
      <ErrorMessage message={error} />

      <section aria-labelledby="objection-heading">
        <h2 id="objection-heading">Sharing through My Care Record</h2>
        {objection.kind === 'loading' && <p className="loading">Loading…</p>}
        {objection.kind === 'error' && <ErrorMessage message={objection.error.message} />}
        {objection.kind === 'loaded' && objection.value.objected && (
          <>
            <p>
              <strong>You have objected</strong>
              {objection.value.since === undefined
                ? '.'
                : ` since ${whenText(objection.value.since)}.`}{' '}
              Nobody can open your record through My Care Record. Anyone who tries is refused and
              told that you have objected.
            </p>
            <p>
              If you withdraw your objection, professionals caring for you can again look at your
              record through My Care Record, with your permission or in an emergency. Every time
              they do, it is listed here.
            </p>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() =>
                void act(
                  () => api.withdrawObjection(),
                  'Your objection is withdrawn. Professionals caring for you can look at your record again, with your permission.',
                )
              }
            >
              Withdraw my objection
            </button>
          </>
        )}
        {objection.kind === 'loaded' && !objection.value.objected && (
          <>
            <p>
              Your record is shared through My Care Record: professionals caring for you can look at
              it with your permission, or in an emergency. Nothing is stored; each look is listed on
              these pages.
            </p>
            <p>If you object:</p>
            <ul>
              <li>
                from the next time anyone tries, anywhere, nobody can open your record through My
                Care Record, and they are told that you have objected;
              </li>
              <li>
                professionals caring for you will not see information from your GP, hospitals and
                others through this service, so they may have to ask you or contact them directly,
                which can take longer, including in an emergency;
              </li>
              <li>you can withdraw your objection here at any time.</li>
            </ul>
            <p className="hint">
              This is separate from any objection held by your GP practice: a GP practice&rsquo;s
              own choice about sharing your GP record is set at the practice. Ask them to change it.
            </p>
            {!confirming ? (
              <button
                type="button"
                className="button button--warning"
                disabled={busy}
                onClick={() => {
                  setConfirming(true);
                }}
              >
                Object to sharing
              </button>
            ) : (
              <div className="inset inset--warning">
                <p>
                  <strong>Are you sure?</strong> Professionals will not be able to look at your
                  record through My Care Record.
                </p>
                <ActionOrCancel
                  className="history__actions"
                  action="Yes, record my objection"
                  warning
                  disabled={busy}
                  onAction={() =>
                    void act(
                      () => api.recordObjection(),
                      'Your objection is recorded. Nobody can open your record through My Care Record from now on.',
                    )
                  }
                  onCancel={() => {
                    setConfirming(false);
                  }}
                />
              </div>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="permissions-heading">
        <h2 id="permissions-heading">Permissions in place now</h2>
        <p>
          These organisations may look at your record now, because you gave permission or in an
          emergency. A permission ends by itself on the date shown, or you can end it now.
        </p>
        {permissions.kind === 'loading' && <p className="loading">Loading…</p>}
        {permissions.kind === 'error' && <ErrorMessage message={permissions.error.message} />}
        {permissions.kind === 'loaded' &&
          (permissions.value.length === 0 ? (
            <p className="empty">No organisation has a permission to look at your record now.</p>
          ) : (
            <DataTable caption="Permissions in place now" columns={PERMISSION_COLUMNS}>
              {permissions.value.map((p) => (
                <tr key={p.id}>
                  <td>{p.organisation.name}</td>
                  <td>{p.basis === 'emergency' ? 'Emergency' : 'Your permission'}</td>
                  <td>{coversText(p.covers)}</td>
                  <td>{whenText(p.expiresAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--secondary"
                      disabled={busy}
                      onClick={() =>
                        void act(
                          () => api.withdrawPermission(p.id),
                          `The permission for ${p.organisation.name} has ended.`,
                        )
                      }
                    >
                      End it now
                      <span className="visually-hidden">
                        {' '}
                        (the permission for {p.organisation.name})
                      </span>
                    </button>
                  </td>
                </tr>
              ))}
            </DataTable>
          ))}
      </section>
    </div>
  );
}
