/**
 * @module The rules that need the patient's demographics, evaluated when the record view traces
 * the patient: the user shares the patient's surname, or lives at the patient's postcode. The
 * audit trail holds no names or addresses, so these cannot be evaluated from it afterwards.
 */
import type { TracedView } from './privacy-monitor.ts';
import type { MonitoringSettings, RaisedAlert } from './privacy-rules.ts';
import { normalisePostcode, type StaffDirectory } from './staff-directory.ts';

/** A name part as compared: accents removed, lower case, letters only (`O'Brien` → `obrien`). */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

/**
 * Whether a person's display name ends with the family name, as whole words (`Dr Anna van der Berg`
 * and `van der Berg`), or names it before a comma (`Oakley, Jane`). Parenthesised parts
 * (`(Nurse)`) are ignored.
 */
export function sharesSurname(displayName: string, family: string): boolean {
  const target = normaliseName(family);
  if (target === '') return false;
  const cleaned = displayName.replace(/\([^)]*\)/g, ' ');
  const comma = cleaned.indexOf(',');
  if (comma > 0) return normaliseName(cleaned.slice(0, comma)) === target;
  const words = cleaned.split(/\s+/).filter((word) => normaliseName(word) !== '');
  for (let first = words.length - 1; first >= 0; first -= 1) {
    if (normaliseName(words.slice(first).join('')) === target) return true;
  }
  return false;
}

/** The alerts a traced record view raises (the start entry's seq is the triggering entry). */
export function tracedViewAlerts(
  view: TracedView,
  settings: MonitoringSettings,
  directory: StaffDirectory,
): RaisedAlert[] {
  if (view.auditSeq === undefined) return [];
  const alerts: RaisedAlert[] = [];
  const common = {
    seq: view.auditSeq,
    userId: view.user.id,
    nhsNumber: view.nhsNumber,
    occurredAt: view.time,
  };
  if (
    settings.rules.sameSurname.enabled &&
    sharesSurname(view.user.displayName, view.patient.name.family)
  ) {
    alerts.push({
      ...common,
      rule: 'same-surname',
      detail: 'the patient’s family name is the user’s surname',
    });
  }
  const staffPostcode = directory.lookup(view.user.username)?.postcode;
  const patientPostcode = view.patient.address?.postcode;
  if (
    settings.rules.sharedAddress.enabled &&
    staffPostcode !== undefined &&
    patientPostcode !== undefined &&
    normalisePostcode(patientPostcode) === staffPostcode
  ) {
    alerts.push({
      ...common,
      rule: 'shared-address',
      detail: 'the patient’s postcode is the user’s home postcode',
    });
  }
  return alerts;
}
