/** @module Which source outcomes count against a source's circuit breaker. */
import type { SourceResult } from '../source-result.ts';
import type { CallVerdict } from './circuit-breaker.ts';

/**
 * A failure is the source misbehaving: no answer in time, down, refusing connections, sending
 * garbage, too much, the wrong kind of content, or an HTTP 5xx. An answer that says no
 * (patient not found, dissent, access denied) shows the source is working: a success.
 * A call the clinician abandoned says nothing about the source: neutral.
 */
export function verdictFor(result: SourceResult, abandoned: boolean): CallVerdict {
  if (abandoned) return 'neutral';
  switch (result.status) {
    case 'timed-out':
    case 'unavailable':
    case 'refused':
    case 'malformed':
    case 'too-large':
    case 'wrong-content-type':
      return 'failure';
    case 'error':
      return result.httpStatus !== undefined && result.httpStatus >= 500 ? 'failure' : 'success';
    case 'busy':
      // The source's own 429: alive but shedding load; it neither opens nor closes the breaker.
      return 'neutral';
    case 'answered':
    case 'patient-not-found':
    case 'dissent':
    case 'access-denied':
    case 'demographics-mismatch':
      return 'success';
    // Not asked at all (discovery): nothing was learnt about the source.
    case 'not-known-to-index':
    case 'index-unavailable':
    case 'endpoint-not-found':
    case 'no-registered-practice':
      return 'neutral';
  }
}
