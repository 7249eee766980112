/**
 * @module Whether a FHIR R4 source offers chained search by patient identifier, from its
 * CapabilityStatement (`GET {base}/metadata`): every type the connector searches lists the search
 * parameter `patient.identifier` and the include `{type}:patient`. Read in the background, never on
 * a view's path; remembered for an hour (no clinical content: the server's description of itself).
 */
import type { fetchSource as FetchSource } from '../../http/fetch-source.ts';
import type { SourceTlsMaterial } from '../../http/http-outcome.ts';
import { isJsonObject } from '../../shared/json-guards.ts';

/** How long an answer is trusted before the CapabilityStatement is read again. */
const REMEMBERED_MS = 60 * 60 * 1000;

/** One source's chained-search capability, as last read. */
export interface ChainedSearchCapability {
  /** True when the source's CapabilityStatement, read within the hour, offers chained search. */
  chained(): boolean;
  /** Reads the CapabilityStatement in the background if no fresh answer is held or coming. */
  learn(authHeader: string | undefined): void;
  /** The source refused a chained search: the classic way until the statement is read again. */
  forget(): void;
}

export interface ChainedSearchDeps {
  /** False: never read, never chained. */
  readonly enabled: boolean;
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
  let readAt: number | undefined;
  let reading = false;

  const fresh = (): boolean => readAt !== undefined && now() - readAt < REMEMBERED_MS;

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
    offered =
      outcome.kind === 'response' &&
      outcome.status === 200 &&
      offersChainedSearch(outcome.json, deps.resourceTypes);
    readAt = now();
  }

  return {
    chained: () => offered && fresh(),
    learn(authHeader) {
      if (!deps.enabled || reading || fresh()) return;
      reading = true;
      read(authHeader)
        .catch(() => {
          offered = false;
          readAt = now();
        })
        .finally(() => {
          reading = false;
        });
    },
    forget() {
      offered = false;
    },
  };
}

/** Whether a CapabilityStatement offers `patient.identifier` and `{type}:patient` for every type. */
export function offersChainedSearch(statement: unknown, types: readonly string[]): boolean {
  if (!isJsonObject(statement) || statement['resourceType'] !== 'CapabilityStatement') return false;
  const rests = statement['rest'];
  if (!Array.isArray(rests)) return false;
  const server = (rests as unknown[]).find(
    (rest) => isJsonObject(rest) && rest['mode'] === 'server',
  );
  const resources = isJsonObject(server) ? server['resource'] : undefined;
  if (!Array.isArray(resources) || types.length === 0) return false;
  return types.every((type) => {
    const resource = (resources as unknown[]).find(
      (entry) => isJsonObject(entry) && entry['type'] === type,
    );
    if (!isJsonObject(resource)) return false;
    const params = resource['searchParam'];
    const includes = resource['searchInclude'];
    return (
      Array.isArray(params) &&
      (params as unknown[]).some(
        (param) => isJsonObject(param) && param['name'] === 'patient.identifier',
      ) &&
      Array.isArray(includes) &&
      (includes as unknown[]).includes(`${type}:patient`)
    );
  });
}
