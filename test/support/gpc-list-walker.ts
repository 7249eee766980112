/**
 * @module An independent count of a GP Connect Bundle's items per clinical area, walked straight from
 * the primary Lists by SNOMED code. Deliberately shares no code with src/record/gp-connect, so the
 * production reader can be checked against it.
 */

type Json = Record<string, unknown>;

/** Primary List SNOMED codes (GP Connect "Lists for message structure"), written out again on purpose. */
const LIST_CODES: Record<string, string[]> = {
  allergies: ['886921000000105'],
  endedAllergies: ['1103671000000101'],
  medications: ['933361000000108'],
  problems: ['717711000000103'],
  consultations: ['1149501000000101'],
  immunisations: ['1102181000000102'],
  investigations: ['887191000000108'],
  referrals: ['792931000000107'],
  uncategorised: ['826501000000100'],
  diary: ['714311000000108'],
};

export interface WalkedArea {
  /** `Type/id` of every listed item that is present in the Bundle (or contained in its List). */
  readonly ids: string[];
  /** Listed references with nothing behind them. */
  readonly missing: number;
}

/** Walks the Bundle's primary Lists. Documents have no primary List: every DocumentReference counts. */
export function walkPrimaryLists(bundle: unknown): Record<string, WalkedArea> {
  const entries = ((bundle as Json)['entry'] as Json[] | undefined) ?? [];
  const resources = entries.map((entry) => entry['resource'] as Json);
  const present = new Set(
    resources.map((resource) => `${String(resource['resourceType'])}/${String(resource['id'])}`),
  );
  const out: Record<string, WalkedArea> = {};
  for (const area of [...Object.keys(LIST_CODES), 'documents']) out[area] = { ids: [], missing: 0 };

  for (const list of resources.filter((resource) => resource['resourceType'] === 'List')) {
    const codings = (
      ((list['code'] as Json | undefined)?.['coding'] as Json[] | undefined) ?? []
    ).map((coding) => String(coding['code']));
    const area = Object.keys(LIST_CODES).find((name) =>
      LIST_CODES[name]?.some((code) => codings.includes(code)),
    );
    if (area === undefined) continue;
    const contained = (list['contained'] as Json[] | undefined) ?? [];
    const walked = out[area] as { ids: string[]; missing: number };
    for (const entry of (list['entry'] as Json[] | undefined) ?? []) {
      const reference = String((entry['item'] as Json | undefined)?.['reference']);
      const inside = contained.find((resource) => `#${String(resource['id'])}` === reference);
      const key =
        inside === undefined
          ? reference
          : `${String(inside['resourceType'])}/${String(inside['id'])}`;
      if (inside !== undefined || present.has(reference)) {
        if (!walked.ids.includes(key)) walked.ids.push(key);
      } else {
        walked.missing += 1;
      }
    }
  }
  (out['documents'] as { ids: string[] }).ids.push(
    ...resources
      .filter((resource) => resource['resourceType'] === 'DocumentReference')
      .map((resource) => `DocumentReference/${String(resource['id'])}`),
  );
  return out;
}
