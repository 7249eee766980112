/**
 * @module Notification settings: be told of emergency access and of a first look by a new
 * organisation, by email to the address NHS login gave (kept only if the patient agrees).
 */
import { useEffect, useState, type SubmitEvent } from 'react';
import type { NotificationSettings } from '../../api/patient-portal.ts';
import { ErrorMessage } from './error-message.tsx';
import { Checkbox } from './form-fields.tsx';
import { endsSession, type PatientPageProps } from './patient-page.ts';

export function PatientSettingsPage({ api, onSessionEnded }: PatientPageProps) {
  const [settings, setSettings] = useState<NotificationSettings | undefined>();
  const [keepEmail, setKeepEmail] = useState(false);
  const [emergency, setEmergency] = useState(true);
  const [newOrganisation, setNewOrganisation] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  function show(value: NotificationSettings) {
    setSettings(value);
    setKeepEmail(value.email !== undefined);
    setEmergency(value.notifyEmergency);
    setNewOrganisation(value.notifyNewOrganisation);
  }

  useEffect(() => {
    let active = true;
    void api.getSettings().then((result) => {
      if (!active) return;
      if (result.ok) show(result.value);
      else if (endsSession(result.error)) onSessionEnded();
      else setError(result.error.message);
    });
    return () => {
      active = false;
    };
  }, [api, onSessionEnded]);

  async function save(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setNotice(undefined);
    setError(undefined);
    const result = await api.saveSettings({
      keepEmail,
      notifyEmergency: emergency,
      notifyNewOrganisation: newOrganisation,
    });
    setBusy(false);
    if (result.ok) {
      show({
        ...result.value,
        ...(settings?.offeredEmail === undefined ? {} : { offeredEmail: settings.offeredEmail }),
      });
      setNotice('Your choices are saved.');
    } else if (endsSession(result.error)) onSessionEnded();
    else setError(result.error.message);
  }

  const address = settings?.offeredEmail ?? settings?.email;
  return (
    <div className="patient-page narrow">
      <h1>Notifications</h1>
      <p className="lede">
        We can tell you when someone looks at your record in an emergency, and the first time an
        organisation that has not looked before does. The message says who and when; it never
        contains anything from your record.
      </p>
      {notice !== undefined && (
        <p className="inset" role="status">
          {notice}
        </p>
      )}
      <ErrorMessage message={error} />
      {settings === undefined && error === undefined && <p className="loading">Loading…</p>}
      {settings !== undefined && (
        <form onSubmit={(event) => void save(event)} noValidate>
          <fieldset className="fieldset">
            <legend>Tell me</legend>
            <Checkbox id="notify-emergency" checked={emergency} onChange={setEmergency}>
              When someone uses emergency access to my record
            </Checkbox>
            <Checkbox
              id="notify-new-organisation"
              checked={newOrganisation}
              onChange={setNewOrganisation}
            >
              The first time a new organisation looks at my record
            </Checkbox>
          </fieldset>
          <fieldset className="fieldset">
            <legend>Email</legend>
            {address === undefined ? (
              <p>
                NHS login has not given us an email address for you, so we cannot email you. Add one
                to your NHS login and sign in again.
              </p>
            ) : (
              <Checkbox id="keep-email" checked={keepEmail} onChange={setKeepEmail}>
                Keep my email address ({address}) to send me these messages
              </Checkbox>
            )}
            <p className="hint">
              We keep your email address only if you tick this, and only to send these messages.
            </p>
          </fieldset>
          <button type="submit" className="button" disabled={busy}>
            Save my choices
          </button>
        </form>
      )}
    </div>
  );
}
