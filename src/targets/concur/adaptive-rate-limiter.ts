/**
 * Paces requests to a rate that halves on every 429 and creeps back up with each success
 * (additive increase, multiplicative decrease), so a throttled tenant is not hammered and a
 * recovered one gets its throughput back within a few dozen requests.
 */
import { MAX_THROTTLE_BLOCK_MS } from './retry-policy';
export interface AdaptiveRateLimiterOptions {
  /** Ceiling, requests per second. */
  maxRps: number;
  /** Floor, requests per second. */
  minRps?: number;
  /** Rate regained per successful request, as a share of maxRps. */
  recoveryShare?: number;
  /**
   * At most one halving per this many ms: a burst of concurrent requests all answered 429 is one
   * signal, not twenty (default 1000, Concur-style one-second windows).
   */
  decreaseCooldownMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class AdaptiveRateLimiter {
  private rps: number;
  private nextSlot = 0;
  private blockedUntil = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private readonly minRps: number;
  private readonly recovery: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AdaptiveRateLimiterOptions) {
    this.rps = options.maxRps;
    this.minRps = options.minRps ?? Math.min(0.5, options.maxRps);
    this.recovery = options.maxRps * (options.recoveryShare ?? 0.02);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Current permitted rate (requests per second). */
  get rate(): number {
    return this.rps;
  }

  /** Waits for this request's slot. */
  async acquire(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot, this.blockedUntil);
    this.nextSlot = slot + 1000 / this.rps;
    // Sub-millisecond waits are below timer resolution; the slot bookkeeping still paces the next call.
    if (slot - now >= 1) await this.sleep(slot - now);
  }

  /** A 429 arrived: halve the rate and hold everyone back for Retry-After when given. */
  onThrottle(retryAfterMs?: number): void {
    const now = this.now();
    if (now - this.lastDecrease >= (this.options.decreaseCooldownMs ?? 1000)) {
      this.rps = Math.max(this.minRps, this.rps / 2);
      this.lastDecrease = now;
    }
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.blockedUntil = Math.max(this.blockedUntil, now + Math.min(retryAfterMs, MAX_THROTTLE_BLOCK_MS));
  }

  onSuccess(): void {
    this.rps = Math.min(this.options.maxRps, this.rps + this.recovery);
  }
}
