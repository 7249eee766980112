/**
 * @module A minimal, valid GP Connect consumer request (headers, unsigned JWT, Parameters) for
 * exercising the simulated providers from tests, benchmarks and smoke checks. Not the real connector.
 */
import { randomUUID } from 'node:crypto';
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import { STRUCTURED_INTERACTION_ID } from './gp-connect-request.ts';

/** An unsigned JWT (`alg: none`, empty signature, trailing `.`). */
export function unsignedJwt(
  claims: Readonly<Record<string, unknown>>,
  header: Readonly<Record<string, unknown>> = { alg: 'none', typ: 'JWT' },
): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.`;
}

/** A complete, valid claim set for a practice's FHIR base URL, issued at `iat` (seconds). */
export function validGpcClaims(
  audience: string,
  iat: number = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return {
    iss: 'https://mcr.example.nhs.uk',
    sub: 'user-42',
    aud: audience,
    iat,
    exp: iat + 300,
    reason_for_request: 'directcare',
    requested_scope: 'patient/*.read conf/N',
    requesting_device: {
      resourceType: 'Device',
      identifier: [{ system: 'https://mcr.example.nhs.uk/device', value: 'mcr-1' }],
      model: 'My Care Record',
      version: '0.1.0',
    },
    requesting_organization: {
      resourceType: 'Organization',
      name: 'Northgate Teaching Hospitals',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'RXX01' }],
    },
    requesting_practitioner: {
      resourceType: 'Practitioner',
      id: 'user-42',
      name: [{ family: 'Khan', given: ['Aisha'], prefix: ['Dr'] }],
      identifier: [
        { system: 'https://fhir.nhs.uk/Id/sds-user-id', value: '111222333444' },
        { system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '555666777888' },
        { system: 'https://mcr.example.nhs.uk/user', value: 'akhan' },
      ],
    },
  };
}

/** A Parameters body for one NHS number and the given area parameters. */
export function structuredRecordParameters(nhsNumber: string, areas: readonly unknown[]): unknown {
  return {
    resourceType: 'Parameters',
    parameter: [
      {
        name: 'patientNHSNumber',
        valueIdentifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber },
      },
      ...areas,
    ],
  };
}

/** Every area, without filters: the widest valid request. */
export const ALL_AREAS: readonly unknown[] = [
  { name: 'includeAllergies', part: [{ name: 'includeResolvedAllergies', valueBoolean: true }] },
  { name: 'includeMedication', part: [{ name: 'includePrescriptionIssues', valueBoolean: true }] },
  { name: 'includeConsultations' },
  { name: 'includeProblems' },
  { name: 'includeImmunisations' },
  { name: 'includeUncategorisedData' },
  { name: 'includeInvestigations' },
  { name: 'includeReferrals' },
  { name: 'includeDiaryEntries' },
];

/** The fetch init of a valid `$gpc.getstructuredrecord` call; `traceId` defaults to a new UUID. */
export function structuredRecordRequest(options: {
  readonly fhirBaseUrl: string;
  readonly asid: string;
  readonly nhsNumber: string;
  readonly areas?: readonly unknown[];
  readonly traceId?: string;
}): { url: string; init: RequestInit } {
  return {
    url: `${options.fhirBaseUrl}/Patient/$gpc.getstructuredrecord`,
    init: {
      method: 'POST',
      headers: {
        'Ssp-TraceID': options.traceId ?? randomUUID(),
        'Ssp-From': '200000000359',
        'Ssp-To': options.asid,
        'Ssp-InteractionID': STRUCTURED_INTERACTION_ID,
        Accept: 'application/fhir+json;charset=utf-8',
        'Content-Type': 'application/fhir+json;charset=utf-8',
        Authorization: `Bearer ${unsignedJwt(validGpcClaims(options.fhirBaseUrl))}`,
      },
      body: JSON.stringify(
        structuredRecordParameters(options.nhsNumber, options.areas ?? ALL_AREAS),
      ),
    },
  };
}
