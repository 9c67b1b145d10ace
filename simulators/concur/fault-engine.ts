import type { FaultOptions, PoisonRecord } from './options';

/** What to do with one request before (or instead of) handling it. */
export type FaultDecision =
  | { kind: 'none'; delayMs: number; lose?: boolean }
  | { kind: 'reset'; delayMs: number }
  | { kind: 'timeout'; delayMs: number }
  | { kind: 'throttle'; delayMs: number; retryAfterSeconds: number }
  | { kind: 'error'; delayMs: number; status: number };

/** mulberry32: tiny, fast, good enough to make fault sequences reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rate(v: number | undefined): number {
  return v === undefined || !Number.isFinite(v) ? 0 : Math.min(1, Math.max(0, v));
}

/** Pure decision logic for faults; the server carries out the decision. */
export class FaultEngine {
  private options: FaultOptions = {};
  private random: () => number = Math.random;
  private resetLeft = 0;
  private timeoutLeft = 0;
  private windowStart = 0;
  private windowCount = 0;
  private poison = new Map<string, PoisonRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = options.seed === undefined ? Math.random : seededRandom(options.seed);
    this.resetLeft = Math.max(0, Math.floor(options.resetNext ?? 0));
    this.timeoutLeft = Math.max(0, Math.floor(options.timeoutNext ?? 0));
    this.windowStart = 0;
    this.windowCount = 0;
    this.poison = new Map(Object.entries(options.poison ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** Current options, with the remaining one-shot counters. */
  get(): FaultOptions {
    return { ...this.options, resetNext: this.resetLeft, timeoutNext: this.timeoutLeft };
  }

  applies(path: string): boolean {
    const prefixes = this.options.pathPrefixes;
    return !prefixes || prefixes.length === 0 || prefixes.some((p) => path.startsWith(p));
  }

  decide(path: string): FaultDecision {
    const o = this.options;
    const jitter = o.latencyJitterMs ? this.random() * o.latencyJitterMs : 0;
    if (!this.applies(path)) return { kind: 'none', delayMs: 0 };
    const spike = o.spikeRate && this.random() < rate(o.spikeRate) ? (o.spikeMs ?? 2000) : 0;
    const delayMs = Math.max(0, (o.latencyMs ?? 0) + jitter + spike);
    if (this.resetLeft > 0) {
      this.resetLeft--;
      return { kind: 'reset', delayMs };
    }
    if (this.timeoutLeft > 0) {
      this.timeoutLeft--;
      return { kind: 'timeout', delayMs };
    }
    if (o.resetRate && this.random() < rate(o.resetRate)) return { kind: 'reset', delayMs };
    if (o.timeoutRate && this.random() < rate(o.timeoutRate)) return { kind: 'timeout', delayMs };
    if (o.rateLimitRps !== undefined && o.rateLimitRps >= 0) {
      const now = this.now();
      const start = now - (now % 1000);
      if (start !== this.windowStart) {
        this.windowStart = start;
        this.windowCount = 0;
      }
      this.windowCount++;
      if (this.windowCount > o.rateLimitRps) {
        const retryAfterSeconds = o.retryAfterSeconds ?? Math.floor((start + 1000 - now) / 1000);
        return { kind: 'throttle', delayMs, retryAfterSeconds };
      }
    }
    if (o.throttleRate && this.random() < rate(o.throttleRate)) return { kind: 'throttle', delayMs, retryAfterSeconds: o.retryAfterSeconds ?? 0 };
    if (o.errorRate && this.random() < rate(o.errorRate)) return { kind: 'error', delayMs, status: o.errorStatus ?? 503 };
    if (o.lostResponseRate && this.random() < rate(o.lostResponseRate)) return { kind: 'none', delayMs, lose: true };
    return { kind: 'none', delayMs };
  }

  poisonFor(userName: unknown): PoisonRecord | undefined {
    if (this.poison.size === 0 || typeof userName !== 'string') return undefined;
    return this.poison.get(userName.toLowerCase());
  }
}
