/**
 * @module What a FHIR R4 source's CapabilityStatement (`GET {base}/metadata`) offers the connector:
 * chained search by patient identifier (every type it searches lists the search parameter
 * `patient.identifier` and the include `{type}:patient`), and a batch of those searches in one
 * request (the `batch` interaction, `Patient` searchable by `identifier`, every type by
 * `patient.identifier`). Read in the background, never on a view's path; remembered for an hour
 * (no clinical content: the server's description of itself).
 */
import type { fetchSource as FetchSource } from '../../http/fetch-source.ts';
import type { SourceTlsMaterial } from '../../http/http-outcome.ts';
import { isJsonObject, type JsonObject } from '../../shared/json-guards.ts';

/** How long an answer is trusted before the CapabilityStatement is read again. */
const REMEMBERED_MS = 60 * 60 * 1000;

/** One source's search capabilities, as last read. */
export interface ChainedSearchCapability {
  /** True when the source's CapabilityStatement, read within the hour, offers chained search. */
  chained(): boolean;
  /**
   * True when the statement, read within the hour, offers a batch of searches by patient identifier
   * (and `batch` is enabled), and no batch was refused within the hour.
   */
  batch(): boolean;
  /** Reads the CapabilityStatement in the background if no fresh answer is held or coming. */
  learn(authHeader: string | undefined): void;
  /** The source refused a chained search: the classic way until the statement is read again. */
  forget(): void;
  /** The source refused a batch (or answered one badly): no batch for an hour from now. */
  forgetBatch(): void;
}

export interface ChainedSearchDeps {
  /** False: never read, never chained, never a batch. */
  readonly enabled: boolean;
  /** False: chained search where offered, but never a batch (the source's `batch: false`). */
  readonly batchEnabled: boolean;
  /** The source's base URL, without a trailing slash. */
  readonly base: string;
  readonly resourceTypes: readonly string[];
  readonly fetchSource: typeof FetchSource;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly tls: SourceTlsMaterial | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly now?: (() => number) | undefined;
}

export function createChainedSearchCapability(deps: ChainedSearchDeps): ChainedSearchCapability {
  const now = deps.now ?? (() => performance.now());
  let offered = false;
  let batchOffered = false;
  let readAt: number | undefined;
  let batchRefusedAt: number | undefined;
  let reading = false;

  const fresh = (): boolean => readAt !== undefined && now() - readAt < REMEMBERED_MS;
  const batchRefused = (): boolean =>
    batchRefusedAt !== undefined && now() - batchRefusedAt < REMEMBERED_MS;

  async function read(authHeader: string | undefined): Promise<void> {
    const outcome = await deps.fetchSource({
      method: 'GET',
      url: `${deps.base}/metadata`,
      headers: {
        ...deps.headers,
        ...(authHeader === undefined ? {} : { authorization: authHeader }),
      },
      timeoutMs: deps.timeoutMs,
      maxResponseBytes: deps.maxResponseBytes,
      acceptContentTypes: ['application/fhir+json', 'application/json'],
      tls: deps.tls,
    });
    const statement = outcome.kind === 'response' && outcome.status === 200 ? outcome.json : {};
    offered = offersChainedSearch(statement, deps.resourceTypes);
    batchOffered = deps.batchEnabled && offersBatchSearch(statement, deps.resourceTypes);
    readAt = now();
  }

  return {
    chained: () => offered && fresh(),
    batch: () => batchOffered && fresh() && !batchRefused(),
    learn(authHeader) {
      if (!deps.enabled || reading || fresh()) return;
      reading = true;
      read(authHeader)
        .catch(() => {
          offered = false;
          batchOffered = false;
          readAt = now();
        })
        .finally(() => {
          reading = false;
        });
    },
    forget() {
      offered = false;
    },
    forgetBatch() {
      batchRefusedAt = now();
    },
  };
}

/** Whether a CapabilityStatement offers `patient.identifier` and `{type}:patient` for every type. */
export function offersChainedSearch(statement: unknown, types: readonly string[]): boolean {
  const server = serverRest(statement);
  if (server === undefined || types.length === 0) return false;
  return types.every((type) => {
    const resource = resourceOf(server, type);
    if (resource === undefined) return false;
    const includes = resource['searchInclude'];
    return (
      hasSearchParam(resource, 'patient.identifier') &&
      Array.isArray(includes) &&
      (includes as unknown[]).includes(`${type}:patient`)
    );
  });
}

/**
 * Whether a CapabilityStatement offers what one batch of a view's searches needs: the system-level
 * `batch` interaction, `Patient` searchable by `identifier`, and every type by `patient.identifier`
 * (the batch's entries are independent, so each names the patient by identifier; no include is needed,
 * the batch's own Patient search finds the Patient).
 */
export function offersBatchSearch(statement: unknown, types: readonly string[]): boolean {
  const server = serverRest(statement);
  if (server === undefined || types.length === 0) return false;
  const interactions = server['interaction'];
  if (
    !Array.isArray(interactions) ||
    !(interactions as unknown[]).some(
      (interaction) => isJsonObject(interaction) && interaction['code'] === 'batch',
    )
  )
    return false;
  const patient = resourceOf(server, 'Patient');
  if (patient === undefined || !hasSearchParam(patient, 'identifier')) return false;
  return types.every((type) => {
    const resource = resourceOf(server, type);
    return resource !== undefined && hasSearchParam(resource, 'patient.identifier');
  });
}

/** The statement's `rest` entry in `server` mode. */
function serverRest(statement: unknown): JsonObject | undefined {
  if (!isJsonObject(statement) || statement['resourceType'] !== 'CapabilityStatement')
    return undefined;
  const rests = statement['rest'];
  if (!Array.isArray(rests)) return undefined;
  const server = (rests as unknown[]).find(
    (rest) => isJsonObject(rest) && rest['mode'] === 'server',
  );
  return isJsonObject(server) ? server : undefined;
}

function resourceOf(server: JsonObject, type: string): JsonObject | undefined {
  const resources = server['resource'];
  if (!Array.isArray(resources)) return undefined;
  const resource = (resources as unknown[]).find(
    (entry) => isJsonObject(entry) && entry['type'] === type,
  );
  return isJsonObject(resource) ? resource : undefined;
}

function hasSearchParam(resource: JsonObject, name: string): boolean {
  const params = resource['searchParam'];
  return (
    Array.isArray(params) &&
    (params as unknown[]).some((param) => isJsonObject(param) && param['name'] === name)
  );
}
