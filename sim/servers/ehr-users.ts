/**
 * @module The people signed in at the simulated EHR (a hospital EPR at Northgate Teaching
 * Hospitals, ODS RXX01), each with the claims the EHR gives about them in its ID and access tokens.
 */

/** What the simulated EHR says about one of its users, in its ID token and its access tokens. */
export interface EhrUser {
  /** The EHR's login name: the token's `sub` and `username`. */
  readonly username: string;
  readonly name: string;
  /** The EHR's own job role code (`role` claim); My Care Record maps it to one of its roles. */
  readonly role: string;
  /** ODS code of the user's organisation (`organisation` claim). */
  readonly organisation: string;
  /** The Practitioner id at the EHR, named by the `fhirUser` claim. */
  readonly practitionerId: string;
}

/** The EHR's staff, each with a story. */
export const EHR_USERS: readonly EhrUser[] = [
  // A consultant physician on the acute medical unit.
  {
    username: 'dr-okafor',
    name: 'Dr Chidi Okafor',
    role: 'consultant',
    organisation: 'RXX01',
    practitionerId: 'prac-okafor',
  },
  // A staff nurse on a medical ward.
  {
    username: 'nurse-ellis',
    name: 'Rhian Ellis',
    role: 'staff-nurse',
    organisation: 'RXX01',
    practitionerId: 'prac-ellis',
  },
  // A ward clerk: signed in at the EHR, but no role that may use the record viewer.
  {
    username: 'clerk-hale',
    name: 'Jo Hale',
    role: 'ward-clerk',
    organisation: 'RXX01',
    practitionerId: 'prac-hale',
  },
];

/** The role codes the EHR uses, mapped to My Care Record's roles: the `claims.role.values` to configure. */
export const EHR_ROLE_VALUES = {
  consultant: 'hospital-clinician',
  'staff-nurse': 'nurse',
} as const;

export function ehrUser(username: string): EhrUser | undefined {
  return EHR_USERS.find((user) => user.username === username);
}
