/**
 * @module Renders a stored audit entry as a FHIR R4 AuditEvent: IHE BALP PatientQuery for
 * record views and patient searches, DICOM codes for sign-in and security events, a Consent
 * entity for permissions and dissents. Carries only what the entry holds: ids, codes, counts.
 */
import { NHS_NUMBER_SYSTEM } from '../identity/nhs-number.ts';
import { SECTION_NAMES } from '../shared/sections.ts';
import type {
  AuditActor,
  AuditEntry,
  AuditEvent,
  AuditSourceCall,
  SectionCounts,
} from './audit-event.ts';

/** Extension on the AuditEvent carrying its place in the hash chain (sub-extensions `seq`, `hash`). */
export const AUDIT_CHAIN_EXTENSION_URL = 'urn:x-mcr:audit-chain';
/** Identifier system for our own user ids. */
export const LOCAL_USER_ID_SYSTEM = 'urn:x-mcr:user-id';
/** Code system for our own role names. */
export const LOCAL_ROLE_SYSTEM = 'urn:x-mcr:role';
/** Identifier system for configured source ids. */
export const SOURCE_ID_SYSTEM = 'urn:x-mcr:source-id';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const BALP_ENTITY_TYPE = 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
const PARTICIPATION_TYPE = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
const SECURITY_ROLE_TYPE = 'http://terminology.hl7.org/CodeSystem/extra-security-role-type';
const ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const SDS_USER_SYSTEM = 'https://fhir.nhs.uk/Id/sds-user-id';
const SDS_ROLE_PROFILE_SYSTEM = 'https://fhir.nhs.uk/Id/sds-role-profile-id';

/** The server that recorded the events (BALP's server agent and the AuditEvent source). */
export interface AuditServer {
  /** e.g. `my-care-record`. */
  readonly name: string;
  /** Host name or address clients reach it on. */
  readonly address: string;
}

const DEFAULT_SERVER: AuditServer = { name: 'my-care-record', address: 'localhost' };

type Shape = Pick<fhir4.AuditEvent, 'type' | 'subtype' | 'action'> & { query?: string };

const REST_SEARCH: Pick<fhir4.AuditEvent, 'type' | 'subtype' | 'action'> = {
  type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
  subtype: [{ system: RESTFUL_INTERACTION, code: 'search', display: 'search' }],
  action: 'E',
};

function rest(interaction: 'create' | 'update', action: 'C' | 'U'): Shape {
  return {
    type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'Restful Operation' },
    subtype: [{ system: RESTFUL_INTERACTION, code: interaction, display: interaction }],
    action,
  };
}

function dicom(code: string, display: string, sub?: { code: string; display: string }): Shape {
  return {
    type: { system: DCM, code, display },
    ...(sub === undefined ? {} : { subtype: [{ system: DCM, ...sub }] }),
    action: 'E' as const,
  };
}

const LOGIN = { code: '110122', display: 'Login' };
const LOGOUT = { code: '110123', display: 'Logout' };

function shapeOf(event: AuditEvent): Shape {
  switch (event.action) {
    case 'sign-in':
    case 'sign-in-failed':
      return dicom('110114', 'User Authentication', LOGIN);
    case 'sign-out':
    case 'session-expired':
      return dicom('110114', 'User Authentication', LOGOUT);
    case 'patient-search':
      return { ...REST_SEARCH, query: `Patient?search-type=${event.searchType}` };
    case 'record-view-started':
    case 'record-view-completed':
    case 'record-view-source':
      return {
        ...REST_SEARCH,
        query: `record-view?patient.identifier=${NHS_NUMBER_SYSTEM}|${event.nhsNumber}`,
      };
    case 'audit-searched':
      return { ...REST_SEARCH, query: 'AuditEvent?' };
    case 'record-printed':
      return dicom('110106', 'Export');
    case 'permission-granted':
    case 'emergency-access':
    case 'dissent-recorded':
      return rest('create', 'C');
    case 'permission-withdrawn':
    case 'emergency-access-reviewed':
    case 'privacy-alert-reviewed':
    case 'dissent-revoked':
      return rest('update', 'U');
    case 'access-denied':
      return dicom('110113', 'Security Alert');
    case 'user-created':
    case 'user-disabled':
      return dicom('110137', 'User Security Attributes Changed');
    case 'patient-sign-in':
    case 'patient-sign-in-failed':
      return dicom('110114', 'User Authentication', LOGIN);
    case 'patient-sign-out':
      return dicom('110114', 'User Authentication', LOGOUT);
    case 'patient-access-history-viewed':
      return {
        ...REST_SEARCH,
        query: `AuditEvent?patient.identifier=${NHS_NUMBER_SYSTEM}|${event.nhsNumber}`,
      };
    case 'patient-objection-recorded':
    case 'patient-concern-raised':
      return rest('create', 'C');
    case 'patient-objection-withdrawn':
    case 'patient-permission-withdrawn':
    case 'patient-settings-changed':
      return rest('update', 'U');
    case 'patient-access-denied':
      return dicom('110113', 'Security Alert');
  }
}

const OUTCOME_CODE = { success: '0', denied: '4', failure: '8' } as const;

/**
 * The FHIR R4 AuditEvent for one stored entry. `id` is the sequence number; the chain
 * extension carries the sequence number and hash so a reader can check it against
 * `mcr audit verify`.
 */
export function toFhirAuditEvent(
  entry: AuditEntry,
  seq: number,
  hash: string,
  server: AuditServer = DEFAULT_SERVER,
): fhir4.AuditEvent {
  const { event } = entry;
  const { query, ...shape } = shapeOf(event);
  const reasonCode = 'reasonCode' in event ? event.reasonCode : undefined;
  const purpose = purposeOf(event);
  return {
    resourceType: 'AuditEvent',
    id: String(seq),
    extension: [
      {
        url: AUDIT_CHAIN_EXTENSION_URL,
        extension: [
          { url: 'seq', valueInteger: seq },
          { url: 'hash', valueString: hash },
        ],
      },
    ],
    ...shape,
    period: { start: event.time, end: event.time },
    recorded: entry.recordedAt,
    outcome: OUTCOME_CODE[event.outcome],
    ...(reasonCode === undefined ? {} : { outcomeDesc: reasonCode }),
    ...(purpose === undefined ? {} : { purposeOfEvent: [purpose] }),
    agent: agentsOf(event, server, query !== undefined, purpose),
    source: {
      site: server.name,
      observer: { display: server.name },
      type: [{ system: SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    entity: entitiesOf(event, query),
  };
}

function purposeOf(event: AuditEvent): fhir4.CodeableConcept | undefined {
  const basis =
    event.action === 'record-view-started' ||
    event.action === 'record-view-completed' ||
    event.action === 'record-view-source' ||
    event.action === 'record-printed'
      ? event.basis.basis
      : event.action === 'emergency-access'
        ? 'emergency'
        : event.action === 'patient-search' || event.action === 'permission-granted'
          ? 'consent'
          : undefined;
  if (basis === undefined) return undefined;
  return basis === 'emergency'
    ? { coding: [{ system: ACT_REASON, code: 'ETREAT', display: 'Emergency Treatment' }] }
    : { coding: [{ system: ACT_REASON, code: 'TREAT', display: 'treatment' }] };
}

function agentsOf(
  event: AuditEvent,
  server: AuditServer,
  isQuery: boolean,
  purpose: fhir4.CodeableConcept | undefined,
): fhir4.AuditEventAgent[] {
  const agents: fhir4.AuditEventAgent[] = [];
  if (event.actor !== null && 'type' in event.actor) {
    // The patient, acting on their own record through NHS login.
    agents.push({
      type: { coding: [{ system: SECURITY_ROLE_TYPE, code: 'humanuser', display: 'human user' }] },
      who: {
        identifier: { system: NHS_NUMBER_SYSTEM, value: event.actor.nhsNumber },
        display: 'The patient',
      },
      requestor: true,
    });
  } else if (event.actor !== null) {
    agents.push(userAgent(event.actor, isQuery, purpose));
    agents.push({
      type: { coding: [{ system: ROLE_CLASS, code: 'PROV', display: 'healthcare provider' }] },
      who: {
        type: 'Organization',
        identifier: { system: ODS_SYSTEM, value: event.actor.organisation },
      },
      requestor: false,
    });
  } else if (event.action === 'sign-in-failed') {
    agents.push({
      type: { coding: [{ system: SECURITY_ROLE_TYPE, code: 'humanuser', display: 'human user' }] },
      who: { display: event.attemptedUsername },
      altId: event.attemptedUsername,
      requestor: true,
    });
  }
  agents.push({
    type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
    // A calling system with a bearer token is named by its issuer and OAuth client id.
    who:
      event.client?.apiClient === undefined
        ? { display: event.client?.userAgent ?? 'unknown client' }
        : {
            identifier: {
              system: event.client.apiClient.issuer,
              value: event.client.apiClient.clientId,
            },
            display: event.client.apiClient.clientId,
          },
    requestor: false,
    ...(event.client === undefined
      ? {}
      : { network: { address: event.client.address, type: '2' } }),
  });
  agents.push({
    type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
    who: { display: server.name },
    requestor: false,
    network: { address: server.address, type: '1' },
  });
  return agents;
}

function userAgent(
  actor: AuditActor,
  isQuery: boolean,
  purpose: fhir4.CodeableConcept | undefined,
): fhir4.AuditEventAgent {
  const role: fhir4.CodeableConcept[] = [
    { coding: [{ system: LOCAL_ROLE_SYSTEM, code: actor.role }] },
  ];
  if (actor.sdsRoleProfileId !== undefined) {
    role.push({ coding: [{ system: SDS_ROLE_PROFILE_SYSTEM, code: actor.sdsRoleProfileId }] });
  }
  const type = isQuery
    ? { system: PARTICIPATION_TYPE, code: 'IRCP', display: 'information recipient' }
    : { system: SECURITY_ROLE_TYPE, code: 'humanuser', display: 'human user' };
  const name = actor.displayName ?? actor.username;
  return {
    type: { coding: [type] },
    role,
    who: {
      identifier:
        actor.sdsUserId === undefined
          ? { system: LOCAL_USER_ID_SYSTEM, value: actor.userId }
          : { system: SDS_USER_SYSTEM, value: actor.sdsUserId },
      display: name,
    },
    altId: actor.username,
    name,
    requestor: true,
    ...(purpose === undefined ? {} : { purposeOfUse: [purpose] }),
  };
}

function entitiesOf(event: AuditEvent, query: string | undefined): fhir4.AuditEventEntity[] {
  const entities: fhir4.AuditEventEntity[] = [];
  for (const nhsNumber of patientsOf(event)) {
    const withheld =
      event.action === 'record-view-completed' ? countDetails('withheld', event.withheld) : [];
    entities.push({
      what: { type: 'Patient', identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
      ...(withheld.length === 0 ? {} : { detail: withheld }),
    });
  }
  if (query !== undefined) {
    entities.push({
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
      query: Buffer.from(query, 'utf8').toString('base64'),
      description: query,
    });
  }
  entities.push({
    what: { identifier: { value: event.requestId } },
    type: { system: BALP_ENTITY_TYPE, code: 'XrequestId' },
  });
  const consentId = consentOf(event);
  if (consentId !== undefined) {
    entities.push({
      what: { reference: `Consent/${consentId}` },
      type: { system: 'http://hl7.org/fhir/resource-types', code: 'Consent', display: 'Consent' },
    });
  }
  if (event.action === 'record-view-completed') entities.push(...event.sources.map(sourceEntity));
  if (event.action === 'record-view-source') entities.push(sourceEntity(event.source));
  if (event.action === 'user-created' || event.action === 'user-disabled') {
    entities.push({
      what: {
        identifier: { system: LOCAL_USER_ID_SYSTEM, value: event.subject.userId },
        display: event.subject.username,
      },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '11', display: 'Security User Entity' },
      detail: [
        { type: 'role', valueString: event.subject.role },
        { type: 'organisation', valueString: event.subject.organisation },
      ],
    });
  }
  return entities;
}

/** BALP: one patient entity per patient the event concerns. */
function patientsOf(event: AuditEvent): string[] {
  if (event.action === 'patient-search') {
    const all =
      event.nhsNumber === undefined
        ? event.matchedNhsNumbers
        : [event.nhsNumber, ...event.matchedNhsNumbers];
    return [...new Set(all)];
  }
  return 'nhsNumber' in event && event.nhsNumber !== undefined ? [event.nhsNumber] : [];
}

function consentOf(event: AuditEvent): string | undefined {
  if (
    event.action === 'record-view-started' ||
    event.action === 'record-view-completed' ||
    event.action === 'record-view-source' ||
    event.action === 'record-printed'
  ) {
    return event.basis.permissionId;
  }
  if ('permissionId' in event) return event.permissionId;
  if ('dissentId' in event) return event.dissentId;
  return undefined;
}

function sourceEntity(source: AuditSourceCall): fhir4.AuditEventEntity {
  const detail: fhir4.AuditEventEntityDetail[] = [
    { type: 'status', valueString: source.status },
    { type: 'elapsedMs', valueString: String(source.elapsedMs) },
  ];
  if (source.httpStatus !== undefined)
    detail.push({ type: 'httpStatus', valueString: String(source.httpStatus) });
  if (source.errorCode !== undefined)
    detail.push({ type: 'errorCode', valueString: source.errorCode });
  for (const warning of source.warnings) detail.push({ type: 'warning', valueString: warning });
  if (source.dropped !== undefined)
    detail.push({ type: 'dropped', valueString: String(source.dropped) });
  detail.push(...countDetails('count', source.counts));
  return {
    what: { identifier: { system: SOURCE_ID_SYSTEM, value: source.id } },
    type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
    role: { system: OBJECT_ROLE, code: '3', display: 'Report' },
    description: source.status,
    detail,
  };
}

function countDetails(prefix: string, counts: SectionCounts): fhir4.AuditEventEntityDetail[] {
  const details: fhir4.AuditEventEntityDetail[] = [];
  for (const section of SECTION_NAMES) {
    const n = counts[section];
    if (n !== undefined) details.push({ type: `${prefix}:${section}`, valueString: String(n) });
  }
  return details;
}
