/**
 * @module FHIR AuditEvent search for auditors: reads `patient`, `patient.identifier`, `date`
 * and `_count` into an audit log query, and wraps the entries as a searchset Bundle.
 */
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import { toFhirAuditEvent, type AuditServer } from './audit-event-fhir.ts';
import type { AuditRecord } from './audit-log.ts';

/** The raw FHIR search parameters (each may repeat). */
export interface AuditEventSearchParams {
  readonly patient?: string | readonly string[] | undefined;
  readonly 'patient.identifier'?: string | readonly string[] | undefined;
  readonly date?: string | readonly string[] | undefined;
  readonly _count?: string | undefined;
  /** Paging cursor: only entries before this sequence number. */
  readonly _before?: string | undefined;
}

/** The parsed search, or why it cannot be run. */
export type ParsedAuditEventSearch =
  | {
      readonly ok: true;
      readonly nhsNumber?: string;
      readonly from?: string;
      readonly to?: string;
      readonly count: number;
      readonly beforeSeq?: number;
    }
  | { readonly ok: false; readonly message: string; readonly field: string };

const all = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const DATE = /^(eq|ge|gt|le|lt)?([0-9]{4}-[0-9]{2}-[0-9]{2})(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?$/;

/** Reads the search parameters. NHS numbers are returned as given; the caller validates them. */
export function parseAuditEventSearch(params: AuditEventSearchParams): ParsedAuditEventSearch {
  const patients = new Set<string>();
  for (const value of all(params.patient)) {
    patients.add(value.replace(/^Patient\//, '').replace(/\s/g, ''));
  }
  for (const value of all(params['patient.identifier'])) {
    const bar = value.indexOf('|');
    const system = bar < 0 ? undefined : value.slice(0, bar);
    if (system !== undefined && system !== '' && system !== NHS_NUMBER_SYSTEM) {
      return {
        ok: false,
        field: 'patient.identifier',
        message: `Only ${NHS_NUMBER_SYSTEM} identifiers can be searched`,
      };
    }
    patients.add(value.slice(bar + 1).replace(/\s/g, ''));
  }
  if (patients.size > 1) {
    return { ok: false, field: 'patient', message: 'Search for one patient at a time' };
  }
  let from: string | undefined;
  let to: string | undefined;
  for (const value of all(params.date)) {
    const match = DATE.exec(value);
    const instant = match === null ? undefined : instantOf(match[2] as string, match[3]);
    if (match === null || instant === undefined) {
      return { ok: false, field: 'date', message: `date=${value} is not a FHIR date search` };
    }
    const prefix = match[1] ?? 'eq';
    if (prefix === 'ge' || prefix === 'gt' || prefix === 'eq') {
      const start = prefix === 'gt' ? instant.end : instant.start;
      if (from === undefined || start > from) from = start;
    }
    if (prefix === 'le' || prefix === 'lt' || prefix === 'eq') {
      const end = prefix === 'lt' ? instant.start : instant.end;
      if (to === undefined || end < to) to = end;
    }
  }
  const count = params._count === undefined ? 50 : Number(params._count);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    return { ok: false, field: '_count', message: '_count must be a whole number from 1 to 1000' };
  }
  const before = params._before === undefined ? undefined : Number(params._before);
  if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
    return { ok: false, field: '_before', message: '_before must be a sequence number' };
  }
  const [nhsNumber] = [...patients];
  return {
    ok: true,
    ...(nhsNumber === undefined ? {} : { nhsNumber }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    count,
    ...(before === undefined ? {} : { beforeSeq: before }),
  };
}

/** A date or date-time as the half-open range of instants it names. */
function instantOf(
  date: string,
  time: string | undefined,
): { start: string; end: string } | undefined {
  if (time === undefined) {
    const start = new Date(`${date}T00:00:00.000Z`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== date)
      return undefined;
    return {
      start: start.toISOString(),
      end: new Date(start.getTime() + 86_400_000).toISOString(),
    };
  }
  const at = new Date(`${date}${time}`);
  if (Number.isNaN(at.getTime())) return undefined;
  return { start: at.toISOString(), end: new Date(at.getTime() + 1).toISOString() };
}

/** The searchset Bundle of the found entries, with a `next` link when there may be more. */
export function auditEventBundle(
  records: readonly AuditRecord[],
  options: { baseUrl: string; selfUrl: string; nextUrl?: string | undefined; server?: AuditServer },
): fhir4.Bundle<fhir4.AuditEvent> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: options.selfUrl },
      ...(options.nextUrl === undefined ? [] : [{ relation: 'next', url: options.nextUrl }]),
    ],
    entry: records.map((record) => ({
      fullUrl: `${options.baseUrl}/fhir/AuditEvent/${record.seq}`,
      resource: toFhirAuditEvent(record.entry, record.seq, record.hash, options.server),
      search: { mode: 'match' },
    })),
  };
}
