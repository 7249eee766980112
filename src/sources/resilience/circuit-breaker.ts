/**
 * @module A circuit breaker for one source: closed → open after N failures in a row → half-open
 * (one trial call) after a cool-down → closed on its success, open again on its failure.
 */
import type { Clock } from './resilience-options.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** How an admitted call ended, as far as the breaker cares. */
export type CallVerdict = 'success' | 'failure' | 'neutral';

/** Whether a call may go ahead now. A probe is the one trial call of a half-open breaker. */
export type Admission =
  | { readonly admitted: true; readonly probe: boolean }
  | {
      readonly admitted: false;
      /** Time until a trial call will be let through; 0 while a trial call is under way. */
      readonly retryInMs: number;
    };

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  /** While open: time until a trial call will be let through. */
  readonly retryInMs?: number;
  /** While half-open: whether the trial call is under way. */
  readonly probing?: boolean;
}

export interface CircuitBreaker {
  /** Asks to make a call; a half-open breaker admits exactly one probe at a time. */
  admit(): Admission;
  /** Tells the breaker how an admitted call ended. */
  record(admission: { readonly probe: boolean }, verdict: CallVerdict): void;
  snapshot(): BreakerSnapshot;
}

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
}

/** A breaker that starts closed. */
export function createCircuitBreaker(options: CircuitBreakerOptions, clock: Clock): CircuitBreaker {
  let failures = 0;
  let openedAt: number | undefined;
  let probing = false;

  const coolingFor = (): number =>
    openedAt === undefined ? 0 : Math.max(0, openedAt + options.coolDownMs - clock.now());
  const state = (): BreakerState => {
    if (openedAt === undefined) return 'closed';
    return probing || coolingFor() === 0 ? 'half-open' : 'open';
  };
  const open = (): void => {
    openedAt = clock.now();
    probing = false;
  };

  return {
    admit() {
      switch (state()) {
        case 'closed':
          return { admitted: true, probe: false };
        case 'open':
          return { admitted: false, retryInMs: coolingFor() };
        case 'half-open':
          if (probing) return { admitted: false, retryInMs: 0 };
          probing = true;
          return { admitted: true, probe: true };
      }
    },
    record(admission, verdict) {
      if (admission.probe) {
        probing = false;
        if (verdict === 'success') {
          failures = 0;
          openedAt = undefined;
        } else if (verdict === 'failure') {
          failures += 1;
          open();
        }
        // neutral (the view was abandoned): still half-open, the next call is the trial.
        return;
      }
      // A call let through while closed that ends after the breaker opened changes nothing.
      if (openedAt !== undefined) return;
      if (verdict === 'success') failures = 0;
      if (verdict === 'failure') {
        failures += 1;
        if (failures >= options.failureThreshold) open();
      }
    },
    snapshot() {
      const current = state();
      return {
        state: current,
        consecutiveFailures: failures,
        failureThreshold: options.failureThreshold,
        coolDownMs: options.coolDownMs,
        ...(current === 'open' ? { retryInMs: Math.round(coolingFor()) } : {}),
        ...(current === 'half-open' ? { probing } : {}),
      };
    },
  };
}
