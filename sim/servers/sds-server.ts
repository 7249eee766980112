/**
 * @module A Spine Directory Service FHIR API (R4) for the simulated region: `Endpoint` and `Device`
 * searches by organisation and interaction, one of each for every practice, shaped like the
 * specification's examples; unknown parameters, and a missing `apikey`, refused as SDS does.
 */
import type { SimPractice } from '../population/population.ts';
import type { Fault, PreparedResponse } from './faults.ts';
import { issueCodeForStatus, r4Outcome } from './operation-outcome.ts';
import {
  createRequestStats,
  fhirResponse,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';

const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const INTERACTION_SYSTEM = 'https://fhir.nhs.uk/Id/nhsServiceInteractionId';
const INTERACTION_EXTENSION =
  'https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId';
const KNOWN_PARAMETERS = new Set(['organization', 'identifier', 'manufacturing-organization']);

export interface SdsServerOptions {
  /** Every practice the directory knows, with the FHIR base address of its GP Connect provider. */
  readonly practices: readonly (SimPractice & { readonly address: string })[];
  /** The interactions each practice is registered for. */
  readonly interactions: readonly string[];
  /** When set, requests without this `apikey` get 401. */
  readonly apiKey?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
}

/** Starts the directory. */
export function startSdsServer(options: SdsServerOptions): Promise<RunningSimServer> {
  const byOds = new Map(options.practices.map((p) => [p.ods, p] as const));

  function handle(request: SimRequest): PreparedResponse {
    if (options.apiKey !== undefined && request.headers['apikey'] !== options.apiKey)
      return fhirResponse(401, r4Outcome('forbidden', 'Invalid access token or apikey'));
    if (request.path !== '/Device' && request.path !== '/Endpoint')
      return fhirResponse(404, r4Outcome('not-found', `Unknown path ${request.path}`));
    for (const key of request.query.keys()) {
      if (!KNOWN_PARAMETERS.has(key))
        return fhirResponse(400, r4Outcome('invalid', `Unknown parameter ${key}`));
    }
    const ods = valueOf(request.query.get('organization'), ODS_SYSTEM);
    const interaction = request.query
      .getAll('identifier')
      .map((identifier) => valueOf(identifier, INTERACTION_SYSTEM))
      .find((value) => value !== undefined);
    if (ods === undefined || interaction === undefined)
      return fhirResponse(400, r4Outcome('required', 'organization and identifier are required'));
    const practice = byOds.get(ods);
    const matches = practice !== undefined && options.interactions.includes(interaction);
    const resource = !matches
      ? undefined
      : request.path === '/Device'
        ? device(practice, interaction)
        : endpoint(practice, interaction);
    return fhirResponse(200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: resource === undefined ? 0 : 1,
      entry:
        resource === undefined
          ? []
          : [
              {
                fullUrl: `${request.baseUrl}${request.path}/${resource.id}`,
                resource,
                search: { mode: 'match' },
              },
            ],
    });
  }

  return startSimServer(
    {
      stats: createRequestStats(),
      handle,
      errorBody: (status, message) =>
        JSON.stringify(r4Outcome(issueCodeForStatus(status), message)),
    },
    options,
  );
}

/** `system|value` → value, when the system is the one expected. */
function valueOf(token: string | null, system: string): string | undefined {
  if (token === null) return undefined;
  const bar = token.indexOf('|');
  return bar >= 0 && token.slice(0, bar) === system ? token.slice(bar + 1) : undefined;
}

function interactionExtension(interaction: string): fhir4.Extension {
  return {
    url: INTERACTION_EXTENSION,
    valueReference: { identifier: { system: INTERACTION_SYSTEM, value: interaction } },
  };
}

function device(practice: SimPractice, interaction: string): fhir4.Device {
  return {
    resourceType: 'Device',
    id: `device-${practice.ods}`,
    identifier: [
      { system: 'https://fhir.nhs.uk/Id/nhsSpineASID', value: practice.asid },
      { system: 'https://fhir.nhs.uk/Id/nhsMhsPartyKey', value: `${practice.ods}-821870` },
    ],
    extension: [interactionExtension(interaction)],
    owner: { identifier: { system: ODS_SYSTEM, value: practice.ods } },
  };
}

function endpoint(
  practice: SimPractice & { readonly address: string },
  interaction: string,
): fhir4.Endpoint {
  return {
    resourceType: 'Endpoint',
    id: `endpoint-${practice.ods}`,
    status: 'active',
    connectionType: {
      system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
      code: 'hl7-fhir-msg',
      display: 'HL7 FHIR Messaging',
    },
    payloadType: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type',
            code: 'any',
            display: 'Any',
          },
        ],
      },
    ],
    address: practice.address,
    managingOrganization: { identifier: { system: ODS_SYSTEM, value: practice.ods } },
    identifier: [
      { system: 'https://fhir.nhs.uk/Id/nhsMhsPartyKey', value: `${practice.ods}-821870` },
      { system: 'https://fhir.nhs.uk/Id/nhsMHSId', value: `mhs-${practice.ods.toLowerCase()}` },
    ],
    extension: [interactionExtension(interaction)],
  };
}
