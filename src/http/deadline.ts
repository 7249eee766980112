/**
 * @module A deadline for one piece of work, joined to the caller's signal, that lets go of
 * everything when the work ends. `AbortSignal.any([AbortSignal.timeout(ms), parent])` per call
 * keeps each composite signal (and its timer) reachable from the parent until the timer fires,
 * and on Node 24 past that (nodejs/node #54614, #55351): a long-lived parent signal then holds
 * thousands of them. Here the timer is cleared and the listener removed as soon as the work ends.
 */

/** A deadline in force. Call `dispose()` when the work ends, whether it finished or not. */
export interface Deadline {
  /** Aborts when the deadline passes or the parent aborts. */
  readonly signal: AbortSignal;
  /** True once the deadline itself (not the parent) has aborted the signal. */
  readonly expired: boolean;
  /** Clears the timer and stops listening to the parent. Idempotent. */
  dispose(): void;
}

/** Starts a deadline of `timeoutMs`, also aborting when `parent` aborts. */
export function startDeadline(timeoutMs: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => {
    controller.abort(parent?.reason);
  };
  const timer = setTimeout(
    () => {
      expired = true;
      controller.abort(new DOMException('The deadline passed', 'TimeoutError'));
    },
    Math.max(0, timeoutMs),
  );
  // A deadline never keeps the process alive on its own.
  timer.unref();
  if (parent !== undefined) {
    if (parent.aborted) onParentAbort();
    else parent.addEventListener('abort', onParentAbort, { once: true });
  }
  let disposed = false;
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * A controller of one's own that also aborts when `parent` does, without `AbortSignal.any`
 * (whose composite signals a long-lived parent keeps, see above). Call `dispose()` when the work
 * ends to stop listening to the parent.
 */
export function followSignal(parent: AbortSignal | undefined): {
  readonly controller: AbortController;
  dispose(): void;
} {
  const controller = new AbortController();
  if (parent === undefined) return { controller, dispose: () => undefined };
  const onParentAbort = (): void => {
    controller.abort(parent.reason);
  };
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  return {
    controller,
    dispose() {
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
