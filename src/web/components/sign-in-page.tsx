/** @module The sign-in form. */
import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import type { ApiClient, SignInProvider } from '../api-client.ts';
import type { Session } from '../../api/session.ts';
import { ErrorMessage } from './error-message.tsx';
import { TextField } from './form-fields.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface SignInPageProps {
  readonly api: ApiClient;
  readonly notice?: string | undefined;
  readonly onSignedIn: (session: Session) => void;
}

/** Username and password; the server's own words on failure. */
export function SignInPage({ api, notice, onSignedIn }: SignInPageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [providers, setProviders] = useState<readonly SignInProvider[]>([]);
  useFocusOnMount(heading);

  useEffect(() => {
    let active = true;
    void api.listSignInProviders().then((result) => {
      // Without the list (an older server, or none configured) the page offers the form only.
      if (active && result.ok) setProviders(result.value);
    });
    return () => {
      active = false;
    };
  }, [api]);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await api.signIn(username.trim(), password);
    setBusy(false);
    if (result.ok) {
      onSignedIn(result.value);
    } else {
      setPassword('');
      setError(result.error.message);
    }
  }

  return (
    <div className="narrow">
      <h1 ref={heading} tabIndex={-1}>
        Sign in
      </h1>
      {notice !== undefined && (
        <p className="inset" role="status">
          {notice}
        </p>
      )}
      <ErrorMessage id="sign-in-error" message={error} />
      {providers.length > 0 && (
        <div className="single-sign-on">
          <ul className="single-sign-on__list">
            {providers.map((provider) => (
              <li key={provider.id}>
                <a className="button single-sign-on__link" href={provider.loginUrl}>
                  Sign in with {provider.name}
                </a>
              </li>
            ))}
          </ul>
          <p className="single-sign-on__or">
            Or sign in with a My Care Record username and password:
          </p>
        </div>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          id="username"
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={setUsername}
        />
        <TextField
          id="password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="button" disabled={busy}>
          Sign in
        </button>
        {busy && (
          <p role="status" className="loading">
            Signing in…
          </p>
        )}
      </form>
    </div>
  );
}
