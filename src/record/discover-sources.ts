/**
 * @module Record discovery: which sources one record view asks, and why each other considered
 * source is not asked. The registered practice comes from the trace (PDS) and its endpoint from
 * SDS; R4 sources with an identifier domain are asked only when the patient index knows the
 * patient there; sources with no domain (and the NRL) are always asked. Nothing is cached: every
 * lookup is for this view (encounter) alone.
 */
import type { SourceConfig } from '../config/config-schema.ts';
import type { RegisteredPractice } from '../identity/demographics-client.ts';
import type { PatientIndexClient, PatientIndexLookup } from '../sources/patient-index-client.ts';
import type { GpConnectEndpoint, SdsClient, SdsLookup } from '../sources/sds-client.ts';
import type { TracedPatient } from '../identity/traced-patient.ts';
import type { Connector, SourceRequest, SourceStatus } from '../sources/source-result.ts';
import { describeStatus } from './source-status-text.ts';

/** One source the view considered: a connector to call, or the reason it is not asked. */
export type ConsideredSource =
  | { readonly kind: 'ask'; readonly connector: Connector }
  | {
      readonly kind: 'not-asked';
      readonly source: SourceConfig;
      readonly status: Extract<
        SourceStatus,
        'not-known-to-index' | 'index-unavailable' | 'endpoint-not-found' | 'no-registered-practice'
      >;
      readonly message: string;
    };

export interface DiscoveryRequest {
  readonly traced: TracedPatient;
  readonly registeredPractice: RegisteredPractice;
  readonly signal?: AbortSignal | undefined;
}

/** Decides this view's sources. Never throws: every lookup answers with a value. */
export type DiscoverSources = (request: DiscoveryRequest) => Promise<readonly ConsideredSource[]>;

export interface SourceDiscoveryDeps {
  /** The configured sources, in configured order (already wrapped for resilience). */
  readonly connectors: readonly Connector[];
  /** `gpConnect.sds`: when present, the registered practice is found through SDS. */
  readonly sds?: SdsClient | undefined;
  /** `recordLocator.patientIndex`: when present, R4 sources with a domain are asked only where it knows the patient. */
  readonly patientIndex?: PatientIndexClient | undefined;
  /** Builds the connector for a practice found in SDS, for this view only. */
  readonly practiceConnector: (endpoint: GpConnectEndpoint) => Connector;
  /** The practice's source settings (deadline, size cap) before its endpoint is known. */
  readonly practiceSource: (odsCode: string, endpoint?: GpConnectEndpoint) => SourceConfig;
  /** The NRL pointer search, asked for every view when configured. */
  readonly nrl?: Connector | undefined;
}

/** The id under which "no registered practice" is reported (there is no practice to name). */
export const REGISTERED_PRACTICE_ID = 'registered-practice';

export function createSourceDiscovery(deps: SourceDiscoveryDeps): DiscoverSources {
  return async (request) => {
    const { registeredPractice } = request;
    const patientIndex = deps.connectors.some(
      (connector) => domainOf(connector.source) !== undefined,
    )
      ? deps.patientIndex
      : undefined;
    const listedPractice =
      registeredPractice.kind === 'registered' &&
      deps.connectors.some(
        (connector) =>
          connector.source.kind === 'gp-connect' &&
          connector.source.organisation === registeredPractice.odsCode,
      );
    // The index and SDS are independent: ask both at once.
    const [index, practice] = await Promise.all([
      patientIndex === undefined
        ? Promise.resolve(undefined)
        : patientIndex.lookup(request.traced.nhsNumber, request.signal),
      deps.sds === undefined || listedPractice
        ? Promise.resolve(undefined)
        : discoverPractice(deps, deps.sds, registeredPractice, request.signal),
    ]);

    const considered: ConsideredSource[] = [];
    if (practice !== undefined) considered.push(practice);
    for (const connector of deps.connectors) {
      considered.push(indexDecision(connector, index));
    }
    if (deps.nrl !== undefined) considered.push({ kind: 'ask', connector: deps.nrl });
    return considered;
  };
}

/** The registered practice through SDS: asked, or why not. */
async function discoverPractice(
  deps: SourceDiscoveryDeps,
  sds: SdsClient,
  practice: RegisteredPractice,
  signal: AbortSignal | undefined,
): Promise<ConsideredSource> {
  if (practice.kind !== 'registered') {
    return {
      kind: 'not-asked',
      source: { ...deps.practiceSource('UNK'), id: REGISTERED_PRACTICE_ID },
      status: 'no-registered-practice',
      message:
        practice.kind === 'withheld'
          ? "This patient's record is restricted: the national demographics service does not reveal their registered practice, so no GP practice was asked."
          : describeStatus('no-registered-practice'),
    };
  }
  const found: SdsLookup = await sds.findEndpoint(practice.odsCode, signal);
  if (found.kind !== 'found') {
    return {
      kind: 'not-asked',
      source: deps.practiceSource(practice.odsCode),
      status: 'endpoint-not-found',
      message: found.message,
    };
  }
  return { kind: 'ask', connector: deps.practiceConnector(found.endpoint) };
}

/** A configured source: always asked without a domain; with one, only where the index knows the patient. */
function indexDecision(
  connector: Connector,
  index: PatientIndexLookup | undefined,
): ConsideredSource {
  const domain = domainOf(connector.source);
  if (domain === undefined || index === undefined) return { kind: 'ask', connector };
  if (index.kind === 'unavailable') {
    return {
      kind: 'not-asked',
      source: connector.source,
      status: 'index-unavailable',
      message: `${describeStatus('index-unavailable')} (${index.message})`,
    };
  }
  const local =
    index.kind === 'found' ? index.identifiers.find((id) => id.system === domain) : undefined;
  if (local === undefined) {
    return {
      kind: 'not-asked',
      source: connector.source,
      status: 'not-known-to-index',
      message: describeStatus('not-known-to-index'),
    };
  }
  return {
    kind: 'ask',
    connector: {
      source: connector.source,
      fetchRecord: (sourceRequest: SourceRequest) =>
        connector.fetchRecord({ ...sourceRequest, localIdentifier: local }),
    },
  };
}

/**
 * True for a configured FHIR R4 source that discovery asks, with the NHS number alone, whatever
 * the trace says: no patient index is configured, or the source has no identifier domain. Such a
 * source may be asked beside the trace rather than after it (its items are still checked against
 * the trace before anything is sent).
 */
export function askedWhateverTheTrace(
  connector: Connector,
  patientIndexConfigured: boolean,
): boolean {
  return (
    connector.source.kind === 'fhir-r4' &&
    (!patientIndexConfigured || domainOf(connector.source) === undefined)
  );
}

function domainOf(source: SourceConfig): string | undefined {
  return source.kind === 'fhir-r4' ? source.patientIdentifierSystem : undefined;
}

/** Every configured source asked, as before discovery existed (no SDS, no index). */
export function askEveryConnector(connectors: readonly Connector[]): DiscoverSources {
  return () =>
    Promise.resolve(connectors.map((connector): ConsideredSource => ({ kind: 'ask', connector })));
}
