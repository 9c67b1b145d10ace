/**
 * An abort signal that fires after `ms` (reason: a `TimeoutError` DOMException, as
 * `AbortSignal.timeout` gives) or when `outer` aborts (its reason). One AbortController and one
 * timer, both released by `dispose()`: `AbortSignal.any([AbortSignal.timeout(ms), outer])` made
 * for every write and every request cost two signals, a weakly held timer and a source
 * registration on `outer` that Node 20 keeps until garbage collection; a hot share of the worker's CPU
 * and of its heap growth during a sync.
 */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  /** Whether the deadline (not `outer`) aborted the signal. */
  readonly timedOut: boolean;
  /** Stops the timer and forgets `outer`; call once the work is over. */
  dispose(): void;
}

export function deadlineSignal(ms: number, outer?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const onOuter = () => controller.abort(outer!.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, ms);
    // Like AbortSignal.timeout: a pending deadline does not keep the process alive.
    timer.unref();
    outer?.addEventListener('abort', onOuter, { once: true });
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
