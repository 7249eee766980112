/**
 * @module The clinician a bench views records as: a hospital clinician's account, the patients'
 * consent recorded, and a signed-in session cookie for the API.
 */
import type { App } from '../src/app.ts';
import type { User } from '../src/access/user.ts';

export interface BenchClinician {
  readonly user: User;
  /** `name=value` of the session cookie, for a `cookie` header. */
  readonly cookie: string;
}

/** Adds the account `username`, records consent for each patient, and signs in at `url`. */
export async function benchClinician(
  app: App,
  url: string,
  username: string,
  patients: readonly string[],
): Promise<BenchClinician> {
  const password = 'benchmark password 1';
  const user = await app.services.accounts.add({
    username,
    role: 'hospital-clinician',
    organisation: 'RXX01',
    password,
  });
  for (const nhsNumber of patients) {
    await app.services.permissions.grant({
      nhsNumber,
      basis: 'consent',
      method: 'verbal',
      givenBy: 'patient',
      actor: user,
    });
  }
  const signIn = await fetch(new URL('/api/session', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = signIn.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  return { user, cookie };
}

/**
 * The configuration every bench server runs with for privacy monitoring: the bench clinician's
 * organisation (RXX01) works around the clock, so a view is not an out-of-hours alert (one more
 * audit entry and commit) when the bench happens to run in the evening. The other rules stay on.
 */
export const BENCH_MONITORING = {
  rules: {
    outOfHours: { organisations: { RXX01: { start: '00:00', end: '24:00', weekends: false } } },
  },
} as const;
