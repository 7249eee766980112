/**
 * @module A bulkhead for one source: at most N calls at once and M waiting; one more is refused at
 * once, so a slow source holds only its own slots and never the server's memory or other sources.
 */

/** A slot to make a call (release it when done), or why none was had. */
export type BulkheadSlot =
  | { readonly kind: 'acquired'; readonly waitedMs: number; release(): void }
  | { readonly kind: 'full' }
  /** The signal was aborted while waiting. */
  | { readonly kind: 'cancelled'; readonly waitedMs: number };

export interface BulkheadSnapshot {
  readonly inFlight: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

export interface Bulkhead {
  /** A slot now, or after waiting in the queue until one frees or `signal` aborts. Never throws. */
  acquire(signal: AbortSignal): Promise<BulkheadSlot>;
  snapshot(): BulkheadSnapshot;
}

export interface BulkheadOptions {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

interface Waiter {
  readonly grant: () => void;
}

export function createBulkhead(options: BulkheadOptions): Bulkhead {
  let inFlight = 0;
  const queue: Waiter[] = [];

  const slot = (started: number): BulkheadSlot => {
    let released = false;
    return {
      kind: 'acquired',
      waitedMs: Math.round(performance.now() - started),
      release() {
        if (released) return;
        released = true;
        const next = queue.shift();
        // The slot passes straight to the next waiter, so the count never dips and overshoots.
        if (next === undefined) inFlight -= 1;
        else next.grant();
      },
    };
  };

  return {
    acquire(signal) {
      const started = performance.now();
      if (signal.aborted) return Promise.resolve({ kind: 'cancelled', waitedMs: 0 });
      if (inFlight < options.maxConcurrent) {
        inFlight += 1;
        return Promise.resolve(slot(started));
      }
      if (queue.length >= options.maxQueued) return Promise.resolve({ kind: 'full' });
      return new Promise<BulkheadSlot>((resolve) => {
        const waiter: Waiter = {
          grant: () => {
            signal.removeEventListener('abort', onAbort);
            resolve(slot(started));
          },
        };
        function onAbort(): void {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          resolve({ kind: 'cancelled', waitedMs: Math.round(performance.now() - started) });
        }
        signal.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    snapshot() {
      return {
        inFlight,
        queued: queue.length,
        maxConcurrent: options.maxConcurrent,
        maxQueued: options.maxQueued,
      };
    },
  };
}
