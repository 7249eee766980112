/**
 * @module A FHIR R4 REST source (hospital EPR, community and mental health service, or social
 * care), UK Core shaped: patient lookup by NHS number, search by patient (or chained, by
 * `patient.identifier`, with `_include={type}:patient`) with `_count` paging through stateless
 * `_offset` cursors, read by id, a `batch` of those reads (`POST {base}`, GET entries only), and a
 * CapabilityStatement that says so.
 */
import { NHS_NUMBER_SYSTEM } from '../../src/identity/nhs-number.ts';
import type { SimPopulation, SimR4Setting } from '../population/population.ts';
import type { Fault, PreparedResponse } from './faults.ts';
import { countBundleEntry } from './request-stats.ts';
import { issueCodeForStatus, r4Outcome } from './operation-outcome.ts';
import {
  createRequestStats,
  fhirResponse,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';

/** The resource types each setting can be searched for by patient. */
export const R4_RESOURCE_TYPES: Readonly<Record<SimR4Setting, readonly string[]>> = {
  hospital: [
    'AllergyIntolerance',
    'Condition',
    'MedicationStatement',
    'MedicationRequest',
    'Encounter',
    'Observation',
    'DiagnosticReport',
    'Procedure',
    'Immunization',
    'DocumentReference',
    'CarePlan',
    'ServiceRequest',
  ],
  community: [
    'AllergyIntolerance',
    'Condition',
    'MedicationStatement',
    'MedicationRequest',
    'Encounter',
    'Observation',
    'DiagnosticReport',
    'Procedure',
    'Immunization',
    'DocumentReference',
    'CarePlan',
    'ServiceRequest',
  ],
  'social-care': ['EpisodeOfCare', 'CarePlan', 'Flag', 'CareTeam'],
};

export interface R4ServerOptions {
  readonly population: SimPopulation;
  readonly setting: SimR4Setting;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
  /** Page size when `_count` is absent (50 by default). */
  readonly defaultPageSize?: number | undefined;
  /** This source's own patient identifier domain (as a patient index knows it), and whom it knows. */
  readonly domain?: R4SourceDomain | undefined;
  /**
   * Offers and serves a `batch` of reads at `POST {base}` (true by default); false: the
   * CapabilityStatement does not declare it and the POST is refused as a write (405).
   */
  readonly batch?: boolean | undefined;
}

/** A source's identifier domain: its system, its local ids, and which patients it holds. */
export interface R4SourceDomain {
  readonly system: string;
  localId(nhsNumber: string): string;
  /** The NHS number behind a local id, if it is one of ours. */
  nhsNumberOf(localId: string): string | undefined;
  /** Whether this source holds a record for the patient. */
  knows(nhsNumber: string): boolean;
}

const MAX_PAGE_SIZE = 1000;
/** The most entries one batch may hold. */
const MAX_BATCH_ENTRIES = 100;
/** How many patient ids the server remembers from lookups, to resolve `?patient=` and reads. */
const REMEMBERED_PATIENTS = 10_000;
/** How many recently found patients a read by id looks through. */
const RECENT_FOR_READS = 200;

/** Starts a FHIR R4 source. */
export function startR4Server(options: R4ServerOptions): Promise<RunningSimServer> {
  const { population, setting } = options;
  const types = new Set(R4_RESOURCE_TYPES[setting]);
  const defaultPageSize = options.defaultPageSize ?? 50;
  const batch = options.batch !== false;
  const stats = createRequestStats();
  // Local patient id → NHS number, learnt from identifier searches: the population is keyed by NHS number.
  const known = new Map<string, string>();

  const fail = (status: number, diagnostics: string): Answer => ({
    status,
    resource: r4Outcome(issueCodeForStatus(status), diagnostics),
  });

  function remember(patientId: string, nhsNumber: string): void {
    known.delete(patientId);
    known.set(patientId, nhsNumber);
    if (known.size > REMEMBERED_PATIENTS) {
      const oldest = known.keys().next().value;
      if (oldest !== undefined) known.delete(oldest);
    }
  }

  /** The patient's record, from a local Patient id. */
  function recordOf(patientId: string): readonly fhir4.FhirResource[] | undefined {
    const candidates = [known.get(patientId), ...(patientId.match(/\d{10}/g) ?? [])];
    for (const nhsNumber of candidates) {
      if (nhsNumber === undefined || !population.has(nhsNumber)) continue;
      const resources = population.r4Record(setting, nhsNumber);
      const patient = resources?.find((r) => r.resourceType === 'Patient');
      if (resources && patient?.id === patientId) {
        remember(patientId, nhsNumber);
        return resources;
      }
    }
    return undefined;
  }

  /** One answer, serialised once (a batch's entries are answered as resources, never re-parsed). */
  function handle(request: SimRequest): PreparedResponse {
    const { status, resource } = answer(request);
    return fhirResponse(status, resource);
  }

  function answer(request: SimRequest): Answer {
    if (request.method === 'POST') return batchOfReads(request);
    if (request.path === '/metadata')
      return ok(capabilityStatement(setting, request.baseUrl, batch));
    const match = /^\/([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?$/.exec(request.path);
    const type = match?.[1];
    if (match === null || type === undefined) return fail(404, `Unknown path ${request.path}`);
    if (type !== 'Patient' && !types.has(type))
      return fail(404, `Resource type ${type} is not supported here`);
    const id = match[2];
    if (id !== undefined) return read(type, id);
    if (type === 'Patient') return searchPatients(request);
    return searchByPatient(request, type);
  }

  /**
   * A FHIR `batch` (never a `transaction`): each entry is answered as its GET would be on its own,
   * in order, in one `batch-response`; an entry with any other method is refused (405) and never
   * carried out. Faults apply to the batch's answer as a whole, as to any other answer.
   */
  function batchOfReads(request: SimRequest): Answer {
    let bundle: unknown;
    try {
      bundle = JSON.parse(request.body) as unknown;
    } catch {
      return fail(400, 'The body is not JSON');
    }
    if (!isObject(bundle) || bundle['resourceType'] !== 'Bundle')
      return fail(400, 'POST {base} takes a Bundle of type batch');
    if (bundle['type'] !== 'batch')
      return fail(
        400,
        'This source is read-only: only a batch of reads is accepted, never a transaction',
      );
    const entries = bundle['entry'] ?? [];
    if (!Array.isArray(entries) || entries.length > MAX_BATCH_ENTRIES)
      return fail(400, `A batch holds at most ${MAX_BATCH_ENTRIES} entries`);
    const answers = (entries as unknown[]).map((entry): fhir4.BundleEntry => {
      const entryRequest = isObject(entry) ? entry['request'] : undefined;
      const method = isObject(entryRequest) ? entryRequest['method'] : undefined;
      const url = isObject(entryRequest) ? entryRequest['url'] : undefined;
      countBundleEntry(stats, typeof method === 'string' ? method : '(none)');
      if (method !== 'GET')
        return entryAnswer(fail(405, 'This source is read-only: only GET entries are carried out'));
      if (typeof url !== 'string') return entryAnswer(fail(400, 'The entry has no request.url'));
      const target = new URL(url, `${request.baseUrl}/`);
      if (target.origin !== new URL(request.baseUrl).origin)
        return entryAnswer(fail(400, 'The entry names another server'));
      return entryAnswer(
        answer({
          ...request,
          method: 'GET',
          path: decodeURIComponent(target.pathname),
          query: target.searchParams,
          body: '',
        }),
      );
    });
    return ok({ resourceType: 'Bundle', type: 'batch-response', entry: answers });
  }

  function read(type: string, id: string): Answer {
    if (type === 'Patient') {
      const patient = recordOf(id)?.find((r) => r.resourceType === 'Patient');
      return patient ? ok(patient) : fail(404, `Patient/${id} is not known`);
    }
    // Ids that carry the NHS number resolve directly; otherwise look through recently found patients.
    const fromId = (id.match(/\d{10}/g) ?? []).filter((n) => population.has(n));
    const recent = [...known.keys()].slice(-RECENT_FOR_READS);
    for (const nhsNumber of fromId) {
      const found = population
        .r4Record(setting, nhsNumber)
        ?.find((r) => r.resourceType === type && r.id === id);
      if (found) return ok(found);
    }
    for (const patientId of recent.reverse()) {
      const found = recordOf(patientId)?.find((r) => r.resourceType === type && r.id === id);
      if (found) return ok(found);
    }
    return fail(404, `${type}/${id} is not known`);
  }

  function searchPatients(request: SimRequest): Answer {
    const identifier = request.query.get('identifier');
    if (identifier === null)
      return fail(400, 'Search Patient by identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}');
    const patient = patientByIdentifier(identifier);
    const selfUrl = `${request.baseUrl}/Patient?${request.query.toString()}`;
    return ok(
      searchset(request.baseUrl, patient ? [patient] : [], patient ? 1 : 0, [
        { relation: 'self', url: selfUrl },
      ]),
    );
  }

  /** The Patient an identifier token (`system|value`, NHS number or this source's own) names here. */
  function patientByIdentifier(identifier: string): fhir4.Patient | undefined {
    const bar = identifier.indexOf('|');
    const system = bar < 0 ? undefined : identifier.slice(0, bar);
    let value = identifier.slice(bar + 1);
    const domain = options.domain;
    const nhsNumber =
      system === undefined || system === NHS_NUMBER_SYSTEM
        ? value
        : system === domain?.system
          ? domain.nhsNumberOf(value)
          : undefined;
    const resources =
      nhsNumber !== undefined &&
      population.has(nhsNumber) &&
      (domain === undefined || domain.knows(nhsNumber))
        ? population.r4Record(setting, nhsNumber)
        : undefined;
    if (nhsNumber !== undefined) value = nhsNumber;
    const patient = resources?.find((r): r is fhir4.Patient => r.resourceType === 'Patient');
    if (patient?.id !== undefined) remember(patient.id, value);
    return patient;
  }

  function searchByPatient(request: SimRequest, type: string): Answer {
    // Chained search: the patient named by identifier, with no separate Patient lookup.
    const chained = request.query.get('patient.identifier');
    const reference = request.query.get('patient') ?? request.query.get('subject');
    if (reference === null && chained === null)
      return fail(400, `Search ${type} by patient={id} or patient.identifier={system}|{value}`);
    const patientId =
      chained === null
        ? (reference ?? '').replace(/^(?:.*\/)?Patient\//, '')
        : (patientByIdentifier(chained)?.id ?? '');
    const include = request.query.get('_include');
    if (include !== null && include !== `${type}:patient`)
      return fail(400, `_include=${type}:patient is the only include offered`);
    const countText = request.query.get('_count');
    const offsetText = request.query.get('_offset');
    const count = countText === null ? defaultPageSize : Number(countText);
    const offset = offsetText === null ? 0 : Number(offsetText);
    if (!Number.isInteger(count) || count < 1 || count > MAX_PAGE_SIZE) {
      return fail(400, `_count must be between 1 and ${MAX_PAGE_SIZE}`);
    }
    if (!Number.isInteger(offset) || offset < 0)
      return fail(400, '_offset must be a whole number ≥ 0');
    const record = patientId === '' ? [] : (recordOf(patientId) ?? []);
    const all = record.filter((r) => r.resourceType === type);
    const page = all.slice(offset, offset + count);
    const pageUrl = (at: number): string => {
      const query = new URLSearchParams(request.query);
      query.set('_count', String(count));
      query.set('_offset', String(at));
      return `${request.baseUrl}/${type}?${query.toString()}`;
    };
    const links: fhir4.BundleLink[] = [{ relation: 'self', url: pageUrl(offset) }];
    if (offset + count < all.length) links.push({ relation: 'next', url: pageUrl(offset + count) });
    if (offset > 0) links.push({ relation: 'previous', url: pageUrl(Math.max(0, offset - count)) });
    const bundle = searchset(request.baseUrl, page, all.length, links);
    // `_include={type}:patient`: the Patient the page's matches name, once, as an include.
    const patient = record.find((r) => r.resourceType === 'Patient');
    if (include !== null && page.length > 0 && patient !== undefined) {
      bundle.entry?.push({
        fullUrl: `${request.baseUrl}/Patient/${patient.id ?? ''}`,
        resource: patient,
        search: { mode: 'include' },
      });
    }
    return ok(bundle);
  }

  return startSimServer(
    {
      stats,
      handle,
      // The base is the only POST: a batch of reads.
      postAllowed: (path) => batch && (path === '/' || path === ''),
      errorBody: (status, message) =>
        JSON.stringify(r4Outcome(issueCodeForStatus(status), message)),
    },
    options,
  );
}

function searchset(
  baseUrl: string,
  resources: readonly fhir4.FhirResource[],
  total: number,
  link: fhir4.BundleLink[],
): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link,
    entry: resources.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

const SETTING_NAMES: Record<SimR4Setting, string> = {
  hospital: 'Simulated hospital EPR',
  community: 'Simulated community and mental health service',
  'social-care': 'Simulated social care system',
};

/** What a request is answered with, before it is serialised. */
interface Answer {
  readonly status: number;
  readonly resource: unknown;
}

function ok(resource: unknown): Answer {
  return { status: 200, resource };
}

/** One batch-response entry from what the entry's GET would have answered on its own. */
function entryAnswer({ status: code, resource }: Answer): fhir4.BundleEntry {
  const status = `${code} ${STATUS_TEXT[code] ?? ''}`.trim();
  const fhir = resource as fhir4.FhirResource;
  // Errors carry their OperationOutcome in `response.outcome`, as FHIR servers commonly do.
  return code >= 200 && code <= 299
    ? { resource: fhir, response: { status } }
    : { response: { status, outcome: fhir } };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function capabilityStatement(
  setting: SimR4Setting,
  baseUrl: string,
  batch: boolean,
): fhir4.CapabilityStatement {
  const byPatient: fhir4.CapabilityStatementRestResourceSearchParam[] = [
    { name: 'patient', type: 'reference' },
    { name: 'subject', type: 'reference' },
    // The chain named as a parameter of its own: the patient by identifier, no lookup first.
    { name: 'patient.identifier', type: 'token' },
    { name: '_count', type: 'number' },
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    implementation: { description: SETTING_NAMES[setting], url: baseUrl },
    rest: [
      {
        mode: 'server',
        // A batch of reads (GET entries only): the Patient and every type's search in one request.
        ...(batch ? { interaction: [{ code: 'batch' as const }] } : {}),
        resource: [
          {
            type: 'Patient',
            profile: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
          ...R4_RESOURCE_TYPES[setting].map((type) => ({
            type: type as fhir4.CapabilityStatementRestResource['type'],
            interaction: [{ code: 'read' as const }, { code: 'search-type' as const }],
            searchParam: byPatient,
            searchInclude: [`${type}:patient`],
          })),
        ],
      },
    ],
  };
}
