/** @module Request counters kept by every simulated source, so tests can say "this source was (not) contacted". */

/** Requests received on data endpoints (control endpoints are not counted). */
export interface RequestStats {
  total: number;
  /** Keyed by path without the query string, e.g. `/Patient/9990000018`. */
  readonly byPath: Record<string, number>;
  /** Keyed by HTTP method. */
  readonly byMethod: Record<string, number>;
  /**
   * The entries of the FHIR `batch` and `transaction` Bundles received (each also counted once as
   * its POST above), keyed by the entry's method, e.g. `GET`: a batch of reads shows only `GET`.
   */
  readonly bundleEntriesByMethod: Record<string, number>;
}

/** Empty counters. */
export function createRequestStats(): RequestStats {
  return {
    total: 0,
    byPath: emptyRecord(),
    byMethod: emptyRecord(),
    bundleEntriesByMethod: emptyRecord(),
  };
}

/** Counts one request. */
export function countRequest(stats: RequestStats, method: string, path: string): void {
  stats.total += 1;
  stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
  stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
}

/** Counts one entry of a batch or transaction Bundle, by its method. */
export function countBundleEntry(stats: RequestStats, method: string): void {
  stats.bundleEntriesByMethod[method] = (stats.bundleEntriesByMethod[method] ?? 0) + 1;
}

/** Sets every counter back to zero, keeping the same objects so held references stay live. */
export function resetRequestStats(stats: RequestStats): void {
  stats.total = 0;
  for (const key of Object.keys(stats.byPath)) Reflect.deleteProperty(stats.byPath, key);
  for (const key of Object.keys(stats.byMethod)) Reflect.deleteProperty(stats.byMethod, key);
  for (const key of Object.keys(stats.bundleEntriesByMethod))
    Reflect.deleteProperty(stats.bundleEntriesByMethod, key);
}

function emptyRecord(): Record<string, number> {
  // No prototype: request paths such as `/__proto__` must stay plain keys.
  return Object.create(null) as Record<string, number>;
}
