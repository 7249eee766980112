/**
 * @module Checks a GP Connect `$gpc.getstructuredrecord` request as a provider must: the Spine
 * headers, the unsigned JWT and its claims, and the `Parameters` body with its combination rules.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { NHS_NUMBER_SYSTEM, isValidNhsNumber } from '../../src/identity/nhs-number.ts';
import type { GpcArea } from '../population/population.ts';
import type { GpcErrorCode } from './operation-outcome.ts';

export const STRUCTURED_INTERACTION_ID =
  'urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1';
export const METADATA_INTERACTION_ID =
  'urn:nhs:names:services:gpconnect:structured:fhir:rest:read:metadata-1';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const SDS_USER_SYSTEM = 'https://fhir.nhs.uk/Id/sds-user-id';
const SDS_ROLE_SYSTEM = 'https://fhir.nhs.uk/Id/sds-role-profile-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refusal: the Spine code and the diagnostics to send with it. */
export interface GpcRefusal {
  readonly ok: false;
  readonly code: GpcErrorCode;
  readonly diagnostics: string;
}

/** The JWT as decoded (even when it is then refused), for the request log. */
export interface DecodedJwt {
  readonly header: Record<string, unknown> | undefined;
  readonly claims: Record<string, unknown> | undefined;
}

function refuse(code: GpcErrorCode, diagnostics: string): GpcRefusal {
  return { ok: false, code, diagnostics };
}

/** Reads a header as one string (the first, when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Decodes `Authorization: Bearer <jwt>` without judging it. */
export function decodeJwt(headers: IncomingHttpHeaders): DecodedJwt {
  const token = /^Bearer (.+)$/.exec(headerValue(headers, 'authorization') ?? '')?.[1];
  const [header, claims] = (token ?? '').split('.');
  return { header: decodePart(header), claims: decodePart(claims) };
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined || part === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface HeaderCheckContext {
  /** This practice's ASID: Ssp-To must equal it. */
  readonly asid: string;
  /** The practice's FHIR base URL: the JWT `aud` must equal it. */
  readonly audience: string;
  readonly interactionId: string;
  /** Seconds since the epoch. */
  readonly nowSeconds: number;
  /** Whether a request body is expected (Content-Type is then checked). */
  readonly hasBody: boolean;
}

/** Checks the Spine headers and the JWT (STANDARDS.md §1.2–1.3). */
export function checkHeaders(
  headers: IncomingHttpHeaders,
  context: HeaderCheckContext,
): { ok: true } | GpcRefusal {
  const h = (name: string): string => (headerValue(headers, name) ?? '').trim();
  if (!UUID.test(h('ssp-traceid'))) return refuse('BAD_REQUEST', 'Ssp-TraceID must be a UUID');
  if (!/^\d{1,12}$/.test(h('ssp-from')))
    return refuse('BAD_REQUEST', 'Ssp-From must be the consumer ASID');
  if (h('ssp-to') !== context.asid)
    return refuse('BAD_REQUEST', 'Ssp-To does not match this provider ASID');
  if (h('ssp-interactionid') !== context.interactionId) {
    return refuse('BAD_REQUEST', `Ssp-InteractionID must be ${context.interactionId}`);
  }
  if (!isFhirJson(h('accept')))
    return refuse('BAD_REQUEST', 'Accept must be application/fhir+json');
  if (context.hasBody && !isFhirJson(h('content-type'))) {
    return refuse('BAD_REQUEST', 'Content-Type must be application/fhir+json');
  }
  return checkJwt(h('authorization'), context);
}

function isFhirJson(value: string): boolean {
  return value
    .split(',')
    .some((type) => (type.split(';')[0] ?? '').trim().toLowerCase() === 'application/fhir+json');
}

function checkJwt(authorization: string, context: HeaderCheckContext): { ok: true } | GpcRefusal {
  const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
  if (token === undefined) return refuse('BAD_REQUEST', 'Authorization must be a Bearer JWT');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[2] !== '') {
    return refuse(
      'BAD_REQUEST',
      'The JWT must be unsigned: header.payload. with an empty signature',
    );
  }
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (header === undefined || claims === undefined)
    return refuse('BAD_REQUEST', 'The JWT cannot be decoded');
  if (header['alg'] !== 'none') return refuse('BAD_REQUEST', 'JWT alg must be none');
  if (header['typ'] !== undefined && header['typ'] !== 'JWT')
    return refuse('BAD_REQUEST', 'JWT typ must be JWT');

  const text = (key: string): string | undefined => {
    const v = claims[key];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  };
  if (text('iss') === undefined) return refuse('BAD_REQUEST', 'Empty JWT iss claim');
  if (text('aud') === undefined) return refuse('BAD_REQUEST', 'Empty JWT aud claim');
  if (stripSlash(text('aud') ?? '') !== stripSlash(context.audience)) {
    return refuse('BAD_REQUEST', 'JWT aud claim must be the provider FHIR base URL');
  }
  const iat = claims['iat'];
  const exp = claims['exp'];
  if (!Number.isInteger(iat) || !Number.isInteger(exp))
    return refuse('BAD_REQUEST', 'JWT iat and exp must be integers');
  if ((exp as number) !== (iat as number) + 300)
    return refuse('BAD_REQUEST', 'JWT exp claim must be iat + 300 seconds');
  if ((exp as number) <= context.nowSeconds) return refuse('BAD_REQUEST', 'The JWT has expired');
  if ((iat as number) > context.nowSeconds + 60)
    return refuse('BAD_REQUEST', 'JWT iat claim is in the future');
  if (text('reason_for_request') !== 'directcare') {
    return refuse('BAD_REQUEST', 'JWT reason_for_request claim must be directcare');
  }
  if (!/^patient\/\*\.read( conf\/N)?$/.test(text('requested_scope') ?? '')) {
    return refuse(
      'BAD_REQUEST',
      'JWT requested_scope claim must be patient/*.read (optionally conf/N)',
    );
  }
  const device = object(claims['requesting_device']);
  if (
    device?.['resourceType'] !== 'Device' ||
    !identifiers(device).some((id) => nonEmpty(id['system']) && nonEmpty(id['value'])) ||
    !nonEmpty(device['model']) ||
    !nonEmpty(device['version'])
  ) {
    return refuse(
      'BAD_REQUEST',
      'JWT requesting_device claim must be a Device with identifier, model and version',
    );
  }
  const organisation = object(claims['requesting_organization']);
  if (
    organisation?.['resourceType'] !== 'Organization' ||
    !nonEmpty(organisation['name']) ||
    !identifiers(organisation).some((id) => id['system'] === ODS_SYSTEM && nonEmpty(id['value']))
  ) {
    return refuse(
      'BAD_REQUEST',
      'JWT requesting_organization claim must be an Organization with an ODS code',
    );
  }
  const practitioner = object(claims['requesting_practitioner']);
  if (practitioner?.['resourceType'] !== 'Practitioner' || !nonEmpty(practitioner['id'])) {
    return refuse(
      'BAD_REQUEST',
      'JWT requesting_practitioner claim must be a Practitioner with an id',
    );
  }
  if (practitioner['id'] !== text('sub'))
    return refuse('BAD_REQUEST', 'JWT sub claim must equal requesting_practitioner.id');
  const practitionerIds = identifiers(practitioner);
  for (const system of [SDS_USER_SYSTEM, SDS_ROLE_SYSTEM]) {
    if (!practitionerIds.some((id) => id['system'] === system && nonEmpty(id['value']))) {
      return refuse(
        'BAD_REQUEST',
        `JWT requesting_practitioner needs an identifier with system ${system}`,
      );
    }
  }
  if (!Array.isArray(practitioner['name']) || practitioner['name'].length === 0) {
    return refuse('BAD_REQUEST', 'JWT requesting_practitioner needs a name');
  }
  return { ok: true };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function identifiers(resource: Record<string, unknown>): Record<string, unknown>[] {
  const list = resource['identifier'];
  return Array.isArray(list) ? list.map(object).filter((id) => id !== undefined) : [];
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** What a valid `Parameters` body asks for. */
export interface StructuredRecordAsk {
  readonly ok: true;
  readonly nhsNumber: string;
  readonly areas: ReadonlySet<GpcArea>;
  readonly includeResolvedAllergies: boolean;
  readonly includePrescriptionIssues: boolean;
  /** Top-level parameters this provider does not know: answered with a warning, not an error. */
  readonly unrecognised: readonly string[];
}

type PartType = 'boolean' | 'date' | 'period' | 'positiveInt' | 'code';
interface PartRule {
  readonly type: PartType;
  /** A filter that may not be sent together with consultations or problems. */
  readonly filter: boolean;
  readonly codes?: readonly string[];
  /** For dates: `past` (≤ today) or `future` (≥ today). */
  readonly when?: 'past' | 'future';
}

const AREA_PARTS: Record<GpcArea, Record<string, PartRule>> = {
  includeAllergies: { includeResolvedAllergies: { type: 'boolean', filter: false } },
  includeMedication: {
    includePrescriptionIssues: { type: 'boolean', filter: false },
    medicationSearchFromDate: { type: 'date', filter: true, when: 'past' },
  },
  includeConsultations: {
    consultationSearchPeriod: { type: 'period', filter: false },
    includeNumberOfMostRecent: { type: 'positiveInt', filter: false },
  },
  includeProblems: {
    includeStatus: { type: 'code', filter: false, codes: ['active', 'inactive'] },
    filterStatus: { type: 'code', filter: false, codes: ['active', 'inactive'] },
    includeSignificance: { type: 'code', filter: false, codes: ['major', 'minor'] },
    filterSignificance: { type: 'code', filter: false, codes: ['major', 'minor'] },
  },
  includeImmunisations: {
    includeNotGiven: { type: 'boolean', filter: true },
    includeDissentConsent: { type: 'boolean', filter: true },
    includeStatus: { type: 'boolean', filter: true },
  },
  includeUncategorisedData: { uncategorisedDataSearchPeriod: { type: 'period', filter: true } },
  includeInvestigations: { investigationSearchPeriod: { type: 'period', filter: true } },
  includeReferrals: { referralSearchPeriod: { type: 'period', filter: true } },
  includeDiaryEntries: { diaryEntriesSearchDate: { type: 'date', filter: true, when: 'future' } },
};

/** Every clinical area parameter name. */
export const GPC_AREAS = Object.keys(AREA_PARTS) as GpcArea[];

function isArea(name: string): name is GpcArea {
  return Object.hasOwn(AREA_PARTS, name);
}

/** Checks the `Parameters` body (STANDARDS.md §1.4). `today` is `YYYY-MM-DD`. */
export function checkParameters(body: string, today: string): StructuredRecordAsk | GpcRefusal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body) as unknown;
  } catch {
    return refuse('INVALID_RESOURCE', 'The Parameters resource could not be parsed');
  }
  const resource = object(parsed);
  if (resource?.['resourceType'] !== 'Parameters' || !Array.isArray(resource['parameter'])) {
    return refuse('INVALID_RESOURCE', 'The body must be a Parameters resource');
  }
  const parameters = resource['parameter'].map(object);
  let nhsNumber: string | undefined;
  const areas = new Set<GpcArea>();
  const unrecognised: string[] = [];
  let includeResolvedAllergies = false;
  let includePrescriptionIssues = true;
  let withFilter: string | undefined;
  let consultationChoices = 0;

  for (const parameter of parameters) {
    const name = parameter?.['name'];
    if (parameter === undefined || typeof name !== 'string') {
      return refuse('INVALID_RESOURCE', 'Each parameter needs a name');
    }
    if (name === 'patientNHSNumber') {
      if (nhsNumber !== undefined)
        return refuse('INVALID_PARAMETER', 'patientNHSNumber is sent more than once');
      const identifier = object(parameter['valueIdentifier']);
      if (identifier?.['system'] !== NHS_NUMBER_SYSTEM) {
        return refuse(
          'INVALID_IDENTIFIER_SYSTEM',
          `patientNHSNumber system must be ${NHS_NUMBER_SYSTEM}`,
        );
      }
      const value = identifier['value'];
      if (typeof value !== 'string' || !isValidNhsNumber(value)) {
        return refuse(
          'INVALID_NHS_NUMBER',
          'patientNHSNumber fails the format or check digit test',
        );
      }
      nhsNumber = value;
      continue;
    }
    if (!isArea(name)) {
      unrecognised.push(name);
      continue;
    }
    if (areas.has(name) && name !== 'includeProblems')
      return refuse('INVALID_PARAMETER', `${name} is sent more than once`);
    areas.add(name);
    const parts = Array.isArray(parameter['part']) ? parameter['part'].map(object) : [];
    const seen = new Set<string>();
    for (const part of parts) {
      const partName = part?.['name'];
      if (part === undefined || typeof partName !== 'string') {
        return refuse('INVALID_RESOURCE', `Each part of ${name} needs a name`);
      }
      const rule = AREA_PARTS[name][partName];
      if (rule === undefined)
        return refuse('INVALID_PARAMETER', `${partName} is not a part of ${name}`);
      if (seen.has(partName))
        return refuse('INVALID_PARAMETER', `${partName} is sent more than once`);
      seen.add(partName);
      const problem = checkPart(part, rule, today);
      if (problem !== undefined) return refuse('INVALID_PARAMETER', `${partName}: ${problem}`);
      if (rule.filter) withFilter = partName;
      if (partName === 'includeResolvedAllergies')
        includeResolvedAllergies = part['valueBoolean'] === true;
      if (partName === 'includePrescriptionIssues')
        includePrescriptionIssues = part['valueBoolean'] === true;
      if (partName === 'consultationSearchPeriod' || partName === 'includeNumberOfMostRecent')
        consultationChoices += 1;
    }
    if (name === 'includeAllergies' && !seen.has('includeResolvedAllergies')) {
      return refuse(
        'INVALID_PARAMETER',
        'includeAllergies needs its includeResolvedAllergies part',
      );
    }
  }
  if (nhsNumber === undefined) return refuse('INVALID_PARAMETER', 'patientNHSNumber is missing');
  if (areas.size === 0)
    return refuse('INVALID_PARAMETER', 'At least one include parameter must be supplied');
  if (consultationChoices > 1) {
    return refuse(
      'INVALID_RESOURCE',
      'consultationSearchPeriod and includeNumberOfMostRecent cannot both be sent',
    );
  }
  if (
    withFilter !== undefined &&
    (areas.has('includeConsultations') || areas.has('includeProblems'))
  ) {
    return refuse(
      'INVALID_PARAMETER',
      `${withFilter} cannot be sent together with consultations or problems`,
    );
  }
  return {
    ok: true,
    nhsNumber,
    areas,
    includeResolvedAllergies,
    includePrescriptionIssues,
    unrecognised,
  };
}

function checkPart(
  part: Record<string, unknown>,
  rule: PartRule,
  today: string,
): string | undefined {
  switch (rule.type) {
    case 'boolean':
      return typeof part['valueBoolean'] === 'boolean' ? undefined : 'must be a valueBoolean';
    case 'code': {
      const code = part['valueCode'];
      return typeof code === 'string' && (rule.codes ?? []).includes(code)
        ? undefined
        : `must be one of ${(rule.codes ?? []).join(', ')}`;
    }
    case 'positiveInt': {
      const n = part['valuePositiveInt'] ?? part['valueInteger'];
      return Number.isInteger(n) && (n as number) >= 1 ? undefined : 'must be a positive integer';
    }
    case 'date':
      return checkDate(part['valueDate'], rule.when ?? 'past', today);
    case 'period': {
      const period = object(part['valuePeriod']);
      if (period === undefined) return 'must be a valuePeriod';
      const start = period['start'];
      const end = period['end'];
      if (start === undefined && end === undefined) return 'needs a start or an end';
      const problem =
        (start === undefined ? undefined : checkDate(start, 'past', today)) ??
        (end === undefined ? undefined : checkDate(end, 'past', today));
      if (problem !== undefined) return problem;
      if (typeof start === 'string' && typeof end === 'string' && start > end)
        return 'start is after end';
      return undefined;
    }
  }
}

function checkDate(value: unknown, when: 'past' | 'future', today: string): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return 'must be a whole date (YYYY-MM-DD), with no time or offset';
  }
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    return 'is not a calendar date';
  if (when === 'past' && value > today) return 'must not be later than today';
  if (when === 'future' && value < today) return 'must not be earlier than today';
  return undefined;
}
