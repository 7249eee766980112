/**
 * @module An IHE PIXm patient index (ITI-83 `Patient/$ihe-pix`) for the simulated region: for an
 * NHS number, the identifier of the patient in every domain that knows them; not-found as the
 * current specification shapes it (a bare OperationOutcome, HTTP 404).
 */
import type { Fault, PreparedResponse } from './faults.ts';
import { issueCodeForStatus, r4Outcome } from './operation-outcome.ts';
import type { R4SourceDomain } from './r4-server.ts';
import {
  createRequestStats,
  fhirResponse,
  startSimServer,
  type RunningSimServer,
  type SimRequest,
} from './sim-server.ts';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export interface PixmServerOptions {
  /** Whether the index knows the NHS number at all. */
  readonly knows: (nhsNumber: string) => boolean;
  /** The domains it cross-references. */
  readonly domains: readonly R4SourceDomain[];
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly fault?: Fault | undefined;
}

export function startPixmServer(options: PixmServerOptions): Promise<RunningSimServer> {
  function handle(request: SimRequest): PreparedResponse {
    if (request.path !== '/Patient/$ihe-pix')
      return fhirResponse(404, r4Outcome('not-found', `Unknown path ${request.path}`));
    const source = request.query.get('sourceIdentifier') ?? '';
    const bar = source.indexOf('|');
    if (bar < 0 || source.slice(0, bar) !== NHS_NUMBER_SYSTEM)
      return fhirResponse(
        400,
        r4Outcome('code-invalid', 'sourceIdentifier Assigning Authority not found'),
      );
    const nhsNumber = source.slice(bar + 1);
    const domains = options.domains.filter((domain) => domain.knows(nhsNumber));
    if (!options.knows(nhsNumber) || domains.length === 0) {
      return fhirResponse(404, {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'not-found',
            details: { text: 'sourceIdentifier Patient Identifier not found' },
          },
        ],
      });
    }
    return fhirResponse(200, {
      resourceType: 'Parameters',
      parameter: domains.map((domain) => ({
        name: 'targetIdentifier',
        valueIdentifier: { system: domain.system, value: domain.localId(nhsNumber) },
      })),
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
