/**
 * @module The demo accounts `npm start` creates: one per role, named after the role, all
 * sharing one password that the caller prints once. Refused in production.
 */
import { randomInt } from 'node:crypto';
import { DemoAccountsRefusedError } from './account-errors.ts';
import { ROLES, roleDisplayName, type Role } from '../shared/roles.ts';
import type { UserAccounts } from './user-accounts.ts';

/**
 * The organisation (ODS code) each demo user belongs to. Keep in step with the simulated
 * sources: A81001 is a simulated GP practice, RXX01 the simulated hospital trust, RYY02 the
 * community health provider, SC003 the council's social care service.
 */
export const DEMO_ORGANISATIONS: Readonly<Record<Role, string>> = Object.freeze({
  gp: 'A81001',
  'hospital-clinician': 'RXX01',
  nurse: 'RXX01',
  'health-visitor': 'RYY02',
  'social-worker': 'SC003',
  'privacy-officer': 'RXX01',
  admin: 'RXX01',
});

// No 0/o, 1/l/i: the password is read off a terminal and typed in.
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const PASSWORD_GROUPS = 4;
const PASSWORD_GROUP_LENGTH = 5;

/** A random password that is easy to read and type: four groups of five, e.g. `k7mqx-3wp9r-tdh2f-nb4ce` (about 99 bits). */
export function generateDemoPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < PASSWORD_GROUPS; g += 1) {
    let group = '';
    for (let c = 0; c < PASSWORD_GROUP_LENGTH; c += 1) {
      group += PASSWORD_ALPHABET.charAt(randomInt(PASSWORD_ALPHABET.length));
    }
    groups.push(group);
  }
  return groups.join('-');
}

export interface EnsureDemoUsersOptions {
  readonly accounts: UserAccounts;
  /** The password to use (the caller reads MCR_DEMO_PASSWORD); generated when absent. */
  readonly password?: string | undefined;
  /** The ODS code for each role's demo user; {@link DEMO_ORGANISATIONS} when absent. */
  readonly organisationFor?: ((role: Role) => string) | undefined;
}

export interface EnsuredDemoUsers {
  /** Usernames created by this call. */
  readonly created: string[];
  /** Usernames that already existed as demo accounts and now have `password`. */
  readonly reset: string[];
  /** Usernames taken by real (non-demo) accounts, left untouched: `password` does not open them. */
  readonly skipped: string[];
  /** The password every demo account now has. */
  readonly password: string;
  /** True when `password` was generated rather than given. */
  readonly generated: boolean;
}

/**
 * Makes sure there is one demo account per role, each with `password` (or a generated one),
 * so the password the caller prints always works. Throws `DemoAccountsRefusedError` in
 * production, and `InvalidAccountDetailsError` for a given password under 12 characters.
 */
export async function ensureDemoUsers(options: EnsureDemoUsersOptions): Promise<EnsuredDemoUsers> {
  const { accounts } = options;
  if (accounts.production) throw new DemoAccountsRefusedError();
  const generated = options.password === undefined || options.password === '';
  const password = generated ? generateDemoPassword() : (options.password ?? '');
  const organisationFor = options.organisationFor ?? ((role: Role) => DEMO_ORGANISATIONS[role]);

  const created: string[] = [];
  const reset: string[] = [];
  const skipped: string[] = [];
  for (const role of ROLES) {
    const username = role;
    const existing = await accounts.findByUsername(username);
    if (existing === undefined) {
      await accounts.add({
        username,
        displayName: `Demo ${roleDisplayName(role)}`,
        role,
        organisation: organisationFor(role),
        password,
        isDemo: true,
      });
      created.push(username);
    } else if (!existing.isDemo) {
      skipped.push(username);
    } else if (!(await accounts.passwordMatches(existing.id, password))) {
      await accounts.setPassword(existing.id, password);
      reset.push(username);
    }
  }
  return { created, reset, skipped, password, generated };
}
