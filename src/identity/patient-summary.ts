/** @module The patient as the banner and search results show them: demographics only, from the national trace. */

export interface PatientSummary {
  readonly nhsNumber: string;
  /** 3-3-4, as clinicians read it. */
  readonly nhsNumberFormatted: string;
  readonly name: {
    readonly prefix?: string | undefined;
    readonly given: readonly string[];
    readonly family: string;
  };
  readonly birthDate?: string | undefined;
  /** Age in words for the banner ("42y", "7m"), when the birth date is known. */
  readonly age?: string | undefined;
  readonly gender?: string | undefined;
  /** Absent for a restricted (sensitive) patient. */
  readonly address?:
    { readonly lines: readonly string[]; readonly postcode?: string | undefined } | undefined;
  readonly registeredGp?:
    { readonly odsCode: string; readonly name?: string | undefined } | undefined;
  /** PDS `R` label: a sensitive patient whose address and GP must not be shown. */
  readonly restricted: boolean;
  readonly deceasedDateTime?: string | undefined;
}

/** Age as NHS banners show it: years from 2, months under 2, weeks under 1 month, days under 1 week. */
export function ageInWords(birthDate: string, at: Date, deceased?: string): string | undefined {
  const born = new Date(`${birthDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(born.getTime())) return undefined;
  const end = deceased === undefined ? at : new Date(deceased);
  if (Number.isNaN(end.getTime()) || end < born) return undefined;
  let months =
    (end.getUTCFullYear() - born.getUTCFullYear()) * 12 + (end.getUTCMonth() - born.getUTCMonth());
  if (end.getUTCDate() < born.getUTCDate()) months -= 1;
  if (months >= 24) return `${Math.floor(months / 12)}y`;
  if (months >= 1) return `${months}m`;
  const days = Math.floor((end.getTime() - born.getTime()) / 86_400_000);
  return days >= 7 ? `${Math.floor(days / 7)}w` : `${days}d`;
}
