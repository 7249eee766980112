/**
 * @module Client for the Spine Directory Service FHIR API: a GP practice's GP Connect endpoint
 * address (`Endpoint`) and ASID (`Device`), looked up afresh for each record view; never throws.
 */
import { randomUUID } from 'node:crypto';
import type { SourceHttpOutcome, SourceHttpRequest } from '../http/http-outcome.ts';
import { isJsonObject } from '../shared/json-guards.ts';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const INTERACTION_SYSTEM = 'https://fhir.nhs.uk/Id/nhsServiceInteractionId';
const ASID_SYSTEM = 'https://fhir.nhs.uk/Id/nhsSpineASID';
const PARTY_KEY_SYSTEM = 'https://fhir.nhs.uk/Id/nhsMhsPartyKey';
const ACCEPT = ['application/fhir+json', 'application/json'] as const;
/** A directory answer is a few kilobytes; anything near this is not one. */
const MAX_RESPONSE_BYTES = 512 * 1024;

/** Where and how to call one practice's GP Connect provider. */
export interface GpConnectEndpoint {
  readonly odsCode: string;
  /** The FHIR service root (the JWT `aud`); the consumer appends the resource path. */
  readonly address: string;
  /** The provider's ASID (`Ssp-To`). */
  readonly asid: string;
  readonly partyKey?: string | undefined;
}

/** The outcome of one lookup. `message` is plain words for the clinician; no clinical content. */
export type SdsLookup =
  | { readonly kind: 'found'; readonly endpoint: GpConnectEndpoint }
  | { readonly kind: 'not-found'; readonly message: string }
  | {
      readonly kind: 'unavailable';
      readonly message: string;
      readonly errorCode?: string | undefined;
    };

export interface SdsClient {
  /** The practice's endpoint for the configured interaction; asks SDS every time (no caching across encounters). */
  findEndpoint(odsCode: string, signal?: AbortSignal): Promise<SdsLookup>;
}

export function createSdsClient(deps: {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly interaction: string;
  readonly timeoutMs: number;
  readonly fetchSource: (request: SourceHttpRequest) => Promise<SourceHttpOutcome>;
}): SdsClient {
  const base = deps.url.replace(/\/+$/, '');

  const search = (resource: 'Device' | 'Endpoint', odsCode: string, signal?: AbortSignal) => {
    const params = new URLSearchParams();
    params.set('organization', `${ODS_SYSTEM}|${odsCode}`);
    params.set('identifier', `${INTERACTION_SYSTEM}|${deps.interaction}`);
    return deps.fetchSource({
      method: 'GET',
      url: `${base}/${resource}?${params.toString()}`,
      headers: {
        'x-correlation-id': randomUUID(),
        ...(deps.apiKey === undefined ? {} : { apikey: deps.apiKey }),
      },
      timeoutMs: deps.timeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      acceptContentTypes: ACCEPT,
      signal,
    });
  };

  return {
    async findEndpoint(odsCode, signal) {
      const [endpoints, devices] = await Promise.all([
        search('Endpoint', odsCode, signal),
        search('Device', odsCode, signal),
      ]);
      const endpointFailure = failureOf(endpoints);
      if (endpointFailure !== undefined) return endpointFailure;
      const deviceFailure = failureOf(devices);
      if (deviceFailure !== undefined) return deviceFailure;
      const endpoint = firstResource(endpoints, 'Endpoint');
      const device = firstResource(devices, 'Device');
      const address = typeof endpoint?.['address'] === 'string' ? endpoint['address'].trim() : '';
      const asid = identifierValue(device, ASID_SYSTEM);
      if (endpoint === undefined || device === undefined || address === '' || asid === undefined) {
        return {
          kind: 'not-found',
          message: `The registered practice's GP Connect endpoint could not be found in the Spine Directory Service (${odsCode}). The practice was not asked.`,
        };
      }
      if (!/^https?:\/\//i.test(address) || !/^[0-9]{1,12}$/.test(asid)) {
        return {
          kind: 'not-found',
          message: `The Spine Directory Service gave an endpoint for ${odsCode} that cannot be used. The practice was not asked.`,
        };
      }
      return {
        kind: 'found',
        endpoint: {
          odsCode,
          address: address.replace(/\/+$/, ''),
          asid,
          partyKey: identifierValue(endpoint, PARTY_KEY_SYSTEM),
        },
      };
    },
  };
}

/** A failed search as a lookup outcome, or undefined when the search gave a Bundle. */
function failureOf(outcome: SourceHttpOutcome): SdsLookup | undefined {
  if (outcome.kind !== 'response') {
    return {
      kind: 'unavailable',
      message: `The Spine Directory Service could not be used (${outcome.kind}), so the registered practice's GP Connect endpoint could not be found. The practice was not asked.`,
    };
  }
  if (
    outcome.status === 200 &&
    isJsonObject(outcome.json) &&
    outcome.json['resourceType'] === 'Bundle'
  )
    return undefined;
  const code = spineCode(outcome.json);
  return {
    kind: 'unavailable',
    errorCode: code,
    message: `The Spine Directory Service did not answer (HTTP ${outcome.status}${code === undefined ? '' : `, ${code}`}), so the registered practice's GP Connect endpoint could not be found. The practice was not asked.`,
  };
}

function firstResource(
  outcome: SourceHttpOutcome,
  resourceType: string,
): Record<string, unknown> | undefined {
  if (outcome.kind !== 'response' || !isJsonObject(outcome.json)) return undefined;
  const entries = outcome.json['entry'];
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries as unknown[]) {
    const resource = isJsonObject(entry) ? entry['resource'] : undefined;
    if (isJsonObject(resource) && resource['resourceType'] === resourceType) return resource;
  }
  return undefined;
}

/** Identifier systems differ in case between records (`nhsMHSId`, `nhsMhsCPAId`): compared lower-case. */
function identifierValue(
  resource: Record<string, unknown> | undefined,
  system: string,
): string | undefined {
  const identifiers = resource?.['identifier'];
  if (!Array.isArray(identifiers)) return undefined;
  for (const identifier of identifiers as unknown[]) {
    if (!isJsonObject(identifier)) continue;
    const found = identifier['system'];
    const value = identifier['value'];
    if (
      typeof found === 'string' &&
      found.toLowerCase() === system.toLowerCase() &&
      typeof value === 'string'
    )
      return value.trim();
  }
  return undefined;
}

/** The Spine code of an OperationOutcome, whichever code system it came with. */
export function spineCode(json: unknown): string | undefined {
  if (!isJsonObject(json) || json['resourceType'] !== 'OperationOutcome') return undefined;
  const issues = json['issue'];
  const first: unknown = Array.isArray(issues) ? issues[0] : undefined;
  const details = isJsonObject(first) ? first['details'] : undefined;
  const coding = isJsonObject(details) ? details['coding'] : undefined;
  const code: unknown =
    Array.isArray(coding) && isJsonObject(coding[0]) ? coding[0]['code'] : undefined;
  return typeof code === 'string' && /^[A-Za-z0-9_ -]{1,60}$/.test(code) ? code : undefined;
}
