/** @module What a page holds while it fetches one thing: still loading, the error, or the value. */
import type { ApiError, ApiResult } from './api-client.ts';

/** One fetched value, from the moment it is asked for. */
export type Load<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly error: ApiError }
  | { readonly kind: 'loaded'; readonly value: T };

/** The finished load a call's result makes. */
export function loaded<T>(result: ApiResult<T>): Load<T> {
  return result.ok
    ? { kind: 'loaded', value: result.value }
    : { kind: 'error', error: result.error };
}
