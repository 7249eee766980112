/**
 * @module A PDS-style demographics service (FHIR R4): read a Patient by NHS number, search by
 * family, given, birth date, gender and postcode, with PDS's error codes.
 */
import { isValidNhsNumber } from '../../src/identity/nhs-number.ts';
import type { PdsQuery, SimPopulation } from '../population/population.ts';
import { pdsError, type PdsErrorCode } from './operation-outcome.ts';
import {
  createRequestStats,
  fhirResponse,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';
import type { Fault, PreparedResponse } from './faults.ts';

export interface PdsServerOptions {
  readonly population: SimPopulation;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
  /** The most matches a search may return when `_max-results` is absent (PDS allows 1..50). */
  readonly defaultMaxResults?: number | undefined;
}

const SEARCH_PARAMETERS = ['family', 'given', 'birthdate', 'gender', 'address-postalcode'] as const;
const KNOWN_PARAMETERS = new Set<string>([
  ...SEARCH_PARAMETERS,
  '_max-results',
  '_fuzzy-match',
  '_exact-match',
]);
const STATUS: Record<PdsErrorCode, number> = {
  INVALID_RESOURCE_ID: 400,
  RESOURCE_NOT_FOUND: 404,
  INVALID_SEARCH_DATA: 400,
  TOO_MANY_MATCHES: 200,
  UNSUPPORTED_SERVICE: 400,
  SERVICE_UNAVAILABLE: 503,
  METHOD_NOT_ALLOWED: 405,
};

/** Starts the demographics service. */
export function startPdsServer(options: PdsServerOptions): Promise<RunningSimServer> {
  const { population } = options;
  const defaultMax = options.defaultMaxResults ?? 10;

  const error = (code: PdsErrorCode, diagnostics?: string): PreparedResponse =>
    fhirResponse(STATUS[code], pdsError(code, diagnostics));

  function handle(request: SimRequest): PreparedResponse {
    if (request.path === '/metadata')
      return fhirResponse(200, capabilityStatement(request.baseUrl));
    const read = /^\/Patient\/([^/]+)$/.exec(request.path);
    if (read) {
      const id = read[1] ?? '';
      if (!isValidNhsNumber(id)) return error('INVALID_RESOURCE_ID');
      const patient = population.pdsPatient(id);
      return patient ? fhirResponse(200, patient) : error('RESOURCE_NOT_FOUND');
    }
    if (request.path === '/Patient') return search(request);
    return error('UNSUPPORTED_SERVICE', `Unsupported path ${request.path}`);
  }

  function search(request: SimRequest): PreparedResponse {
    for (const key of request.query.keys()) {
      if (!KNOWN_PARAMETERS.has(key))
        return error('INVALID_SEARCH_DATA', `Unknown search parameter ${key}`);
    }
    const value = (key: string): string | undefined => request.query.get(key)?.trim() || undefined;
    const query: PdsQuery = {
      family: value('family'),
      given: value('given'),
      birthdate: value('birthdate'),
      gender: value('gender'),
      postcode: value('address-postalcode'),
    };
    if (query.family === undefined && query.birthdate === undefined) {
      return error('INVALID_SEARCH_DATA', 'A search needs a family name or a birth date');
    }
    if (query.birthdate !== undefined && !/^(eq)?\d{4}-\d{2}-\d{2}$/.test(query.birthdate)) {
      return error('INVALID_SEARCH_DATA', 'birthdate must be a whole date, optionally prefixed eq');
    }
    if (
      query.gender !== undefined &&
      !['male', 'female', 'other', 'unknown'].includes(query.gender)
    ) {
      return error('INVALID_SEARCH_DATA', 'gender must be male, female, other or unknown');
    }
    const maxText = value('_max-results');
    const max = maxText === undefined ? defaultMax : Number(maxText);
    if (!Number.isInteger(max) || max < 1 || max > 50) {
      return error('INVALID_SEARCH_DATA', '_max-results must be between 1 and 50');
    }
    // Ask for one more than allowed, so "too many" can be told apart from "exactly enough".
    const found = population.searchPds(query, max + 1);
    if (found.length > max) return error('TOO_MANY_MATCHES');
    const bundle: fhir4.Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: found.length,
      entry: found.map((patient) => ({
        fullUrl: `${request.baseUrl}/Patient/${patient.id ?? ''}`,
        search: { score: score(patient, query) },
        resource: patient,
      })),
    };
    return fhirResponse(200, bundle);
  }

  return startSimServer(
    {
      stats: createRequestStats(),
      handle,
      errorBody: (status, message) =>
        JSON.stringify(
          pdsError(status === 405 ? 'METHOD_NOT_ALLOWED' : 'SERVICE_UNAVAILABLE', message),
        ),
    },
    options,
  );
}

/** A match score in (0, 1]: exact family and given names score higher than prefixes. */
function score(patient: fhir4.Patient, query: PdsQuery): number {
  const name = patient.name?.[0];
  let points = 0;
  let possible = 0;
  const check = (asked: string | undefined, actual: string | undefined): void => {
    if (asked === undefined) return;
    possible += 1;
    if (actual !== undefined && actual.toLowerCase() === asked.toLowerCase()) points += 1;
    else points += 0.5;
  };
  check(query.family, name?.family);
  check(query.given, name?.given?.[0]);
  if (possible === 0) return 1;
  return Math.round((points / possible) * 100) / 100;
}

function capabilityStatement(baseUrl: string): fhir4.CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    implementation: { description: 'Simulated Personal Demographics Service', url: baseUrl },
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Patient',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [
              ...SEARCH_PARAMETERS.map(
                (name) => ({ name, type: name === 'birthdate' ? 'date' : 'string' }) as const,
              ),
              { name: '_max-results', type: 'number' },
            ],
          },
        ],
      },
    ],
  };
}
