/** @module The patient as the national demographics service traced them: what every source's answer is checked against. */

/** The patient as traced on the demographics service, used to check what sources return. */
export interface TracedPatient {
  readonly nhsNumber: string;
  readonly family?: string | undefined;
  readonly given?: readonly string[] | undefined;
  readonly birthDate?: string | undefined;
  readonly gender?: string | undefined;
}
