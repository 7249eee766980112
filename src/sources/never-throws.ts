/**
 * @module "A connector never throws", enforced in one place: every failure a source can cause is
 * answered as a value by the connector itself; a throw is a bug of ours, and becomes the source's
 * `error` status with one plain message, so one failure never sinks a view. The connectors, the
 * resilience decorator and the record pipeline all call through here.
 */
import type { Connector, SourceRequest, SourceResult } from './source-result.ts';

/** What the clinician is told when a source could not be read because of a bug of ours. */
export const INTERNAL_ERROR_MESSAGE = 'This source could not be read because of an internal error.';

/** Asks the connector; if it throws anyway, its source is reported as an `error`. */
export async function callSafely(
  connector: Pick<Connector, 'source' | 'fetchRecord'>,
  request: SourceRequest,
): Promise<SourceResult> {
  const started = performance.now();
  try {
    return await connector.fetchRecord(request);
  } catch {
    return {
      sourceId: connector.source.id,
      status: 'error',
      elapsedMs: Math.round(performance.now() - started),
      message: INTERNAL_ERROR_MESSAGE,
      warnings: [],
    };
  }
}

/** The connector, its `fetchRecord` made never to throw. */
export function neverThrowing<C extends Connector>(connector: C): C {
  return { ...connector, fetchRecord: (request: SourceRequest) => callSafely(connector, request) };
}
