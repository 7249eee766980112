/** @module Request counters kept by every simulated source, so tests can say "this source was (not) contacted". */

/** Requests received on data endpoints (control endpoints are not counted). */
export interface RequestStats {
  total: number;
  /** Keyed by path without the query string, e.g. `/Patient/9990000018`. */
  readonly byPath: Record<string, number>;
  /** Keyed by HTTP method. */
  readonly byMethod: Record<string, number>;
}

/** Empty counters. */
export function createRequestStats(): RequestStats {
  return { total: 0, byPath: emptyRecord(), byMethod: emptyRecord() };
}

/** Counts one request. */
export function countRequest(stats: RequestStats, method: string, path: string): void {
  stats.total += 1;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
}

/** Sets every counter back to zero, keeping the same objects so held references stay live. */
export function resetRequestStats(stats: RequestStats): void {
  stats.total = 0;
  for (const key of Object.keys(stats.byPath)) Reflect.deleteProperty(stats.byPath, key);
  for (const key of Object.keys(stats.byMethod)) Reflect.deleteProperty(stats.byMethod, key);
}

function emptyRecord(): Record<string, number> {
  // No prototype: request paths such as `/__proto__` must stay plain keys.
  return Object.create(null) as Record<string, number>;
}
