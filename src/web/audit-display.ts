/**
 * @module How the auditors' pages show audit entries: each action and outcome in words, the
 * fields of an event read defensively (the API types it `unknown`), the filters the server
 * does not apply itself (organisation, outcome), and the days of an access chart.
 */
import type { AuditAction } from '../api/audit.ts';
import { formatNhsNumber } from '../identity/nhs-number.ts';
import { isJsonObject } from '../shared/json-guards.ts';

/** Every audited action in words (the compiler keeps this list complete). */
export const ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'record-view-started': 'Record view started',
  'record-view-completed': 'Record view completed',
  'record-view-source': 'Record view: one source',
  'record-printed': 'Record printed',
  'access-denied': 'Access refused',
  'permission-granted': 'Permission recorded',
  'permission-withdrawn': 'Permission withdrawn',
  'emergency-access': 'Emergency access',
  'emergency-access-reviewed': 'Emergency access reviewed',
  'patient-search': 'Patient search',
  'sign-in': 'Signed in',
  'sign-in-failed': 'Sign-in failed',
  'sign-out': 'Signed out',
  'session-expired': 'Session expired',
  'dissent-recorded': 'Dissent recorded',
  'dissent-revoked': 'Dissent revoked',
  'user-created': 'User created',
  'user-disabled': 'User disabled',
  'audit-searched': 'Audit searched',
  'privacy-alert-reviewed': 'Privacy alert reviewed',
  'patient-sign-in': 'Patient signed in (NHS login)',
  'patient-sign-in-failed': 'Patient sign-in failed',
  'patient-sign-out': 'Patient signed out',
  'patient-access-history-viewed': 'Patient read their access history',
  'patient-objection-recorded': 'Patient objected to sharing',
  'patient-objection-withdrawn': 'Patient withdrew their objection',
  'patient-permission-withdrawn': 'Patient withdrew a permission',
  'patient-concern-raised': 'Patient raised a concern',
  'patient-settings-changed': 'Patient changed notification settings',
  'patient-access-denied': 'Patient request refused',
};

/** The action in words; an action this page does not know is shown as its code. */
export function actionLabel(action: string): string {
  return (ACTION_LABELS as Readonly<Record<string, string>>)[action] ?? action;
}

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  success: 'Success',
  denied: 'Refused',
  failure: 'Failed',
  incomplete: 'Did not finish',
  appropriate: 'Appropriate',
  'needs-follow-up': 'Needs follow-up',
};

/** An outcome in words. */
export function outcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

const REASON_LABELS: Readonly<Record<string, string>> = {
  'patient-unconscious': 'Patient unconscious',
  'lacks-capacity': 'Patient lacks capacity',
  'life-threatening': 'Life-threatening emergency',
  other: 'Other',
  'no-permission': 'No permission',
  'permission-expired': 'Permission expired',
  'role-not-allowed': 'Role not allowed',
  dissent: 'Patient dissented',
};

/** An emergency reason or refusal reason code in words. */
export function reasonLabel(code: string): string {
  return REASON_LABELS[code] ?? code;
}

/** The basis of an access in words. */
export function basisLabel(basis: string | undefined): string {
  if (basis === 'consent') return 'Permission (consent)';
  if (basis === 'emergency') return 'Emergency access';
  return '—';
}

/** An NHS number as 3-3-4, or a dash when there is none. */
export function nhsNumberText(nhsNumber: string | undefined): string {
  return nhsNumber === undefined ? '—' : formatNhsNumber(nhsNumber);
}

/** Who did it, as the audit recorded them at the time. */
export interface ActorView {
  readonly userId: string;
  readonly name: string;
  readonly username: string;
  readonly role: string;
  readonly organisation: string;
}

/** The fields of one audited event the pages show. */
export interface EventView {
  readonly action: string;
  readonly time: string;
  readonly requestId: string;
  readonly actor?: ActorView;
  readonly outcome: string;
  readonly nhsNumber?: string;
  readonly basis?: string;
  readonly permissionId?: string;
  /** Every other field, flattened to `name: value` text (ids, codes and counts only). */
  readonly details: readonly (readonly [string, string])[];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function actorOf(value: unknown): ActorView | undefined {
  if (!isJsonObject(value)) return undefined;
  const username = text(value['username']) ?? '';
  return {
    userId: text(value['userId']) ?? '',
    username,
    name: text(value['displayName']) ?? username,
    role: text(value['role']) ?? '',
    organisation: text(value['organisation']) ?? '',
  };
}

const SHOWN = new Set([
  'action',
  'time',
  'requestId',
  'actor',
  'outcome',
  'nhsNumber',
  'basis',
  'permissionId',
  'client',
]);

function flatten(prefix: string, value: unknown, into: [string, string][]): void {
  if (isJsonObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      flatten(prefix === '' ? key : `${prefix}.${key}`, inner, into);
    }
  } else if (Array.isArray(value)) {
    if (value.every((item) => !isJsonObject(item) && !Array.isArray(item))) {
      into.push([prefix, value.length === 0 ? '(none)' : value.map(String).join(', ')]);
    } else {
      value.forEach((item, i) => {
        flatten(`${prefix}[${i}]`, item, into);
      });
    }
  } else if (value !== undefined && value !== null) {
    into.push([prefix, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
}

/** Reads an audited event; fields it lacks are left out, never guessed. */
export function readEvent(event: unknown): EventView {
  const body = isJsonObject(event) ? event : {};
  const basis = isJsonObject(body['basis']) ? body['basis'] : undefined;
  const details: [string, string][] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!SHOWN.has(key)) flatten(key, value, details);
  }
  const client = isJsonObject(body['client']) ? body['client'] : undefined;
  if (client !== undefined) flatten('client', client, details);
  const actor = actorOf(body['actor']);
  const nhsNumber = text(body['nhsNumber']);
  const basisCode = text(basis?.['basis']) ?? text(body['basis']);
  const permissionId = text(basis?.['permissionId']) ?? text(body['permissionId']);
  return {
    action: text(body['action']) ?? 'unknown',
    time: text(body['time']) ?? '',
    requestId: text(body['requestId']) ?? '',
    outcome: text(body['outcome']) ?? '',
    details,
    ...(actor === undefined ? {} : { actor }),
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(basisCode === undefined ? {} : { basis: basisCode }),
    ...(permissionId === undefined ? {} : { permissionId }),
  };
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  'client.address': 'Device address',
  'client.userAgent': 'Browser',
  resultCount: 'Results',
  attempted: 'Attempted',
  reasonCode: 'Reason',
  permissionId: 'Permission',
  elapsedMs: 'Time taken (ms)',
  method: 'Method',
  scope: 'Scope',
  expiresAt: 'Expires',
  searchType: 'Searched by',
  matchedNhsNumbers: 'Patients found',
  reviewOutcome: 'Review outcome',
  withheldCategories: 'Withheld categories',
  patientRestricted: 'Restricted patient',
  attemptedUsername: 'Username typed',
};

/** The words of one step of a field's path: `allergies` → `allergies`, `sourceId` → `source id`. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * A recorded field's name in words: `sources[0].counts.allergies` → `Source 1: counts: allergies`,
 * `withheld.medications` → `Withheld: medications`; never a raw path.
 */
export function fieldLabel(path: string): string {
  const known = FIELD_LABELS[path];
  if (known !== undefined) return known;
  const parts = path.split('.').map((part) => {
    const item = /^([A-Za-z]+)\[(\d+)\]$/.exec(part);
    if (item === null) return words(part);
    const [, name = '', index = '0'] = item;
    return `${words(name).replace(/s$/, '')} ${String(Number(index) + 1)}`;
  });
  const text = parts.join(': ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One day of an access chart. */
export interface ChartDay {
  /** `YYYY-MM-DD` (UTC). */
  readonly date: string;
  readonly count: number;
}

const DAY_MS = 86_400_000;

/**
 * Every day from the first to the last with accesses, with zeros between, so the chart's
 * gaps are visible. At most `maxDays` (the most recent ones) to keep the chart readable.
 */
export function chartDays(
  perDay: readonly { readonly date: string; readonly count: number }[],
  maxDays = 92,
): ChartDay[] {
  const counts = new Map<string, number>();
  for (const day of perDay) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(day.date)) {
      counts.set(day.date, (counts.get(day.date) ?? 0) + day.count);
    }
  }
  const dates = [...counts.keys()].sort();
  const first = dates[0];
  const last = dates.at(-1);
  if (first === undefined || last === undefined) return [];
  const end = Date.parse(`${last}T00:00:00Z`);
  const start = Math.max(Date.parse(`${first}T00:00:00Z`), end - (maxDays - 1) * DAY_MS);
  const days: ChartDay[] = [];
  for (let at = start; at <= end; at += DAY_MS) {
    const date = new Date(at).toISOString().slice(0, 10);
    days.push({ date, count: counts.get(date) ?? 0 });
  }
  return days;
}

/** A y-axis top that is a round number at or above the largest count. */
export function chartScale(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}
