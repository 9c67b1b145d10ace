import { invalidValue } from './concur-error';
import { isRecord } from './attribute-path';
import type { FaultOptions, PoisonRecord } from './options';

/** FaultOptions from untrusted JSON (`POST /_sim/faults`), rejecting wrong types instead of guessing. */
export function parseFaultOptions(b: Record<string, unknown>): FaultOptions {
  const out: FaultOptions = {};
  const nums = ['latencyMs', 'latencyJitterMs', 'errorRate', 'errorStatus', 'seed', 'rateLimitRps', 'retryAfterSeconds', 'resetRate', 'resetNext', 'timeoutRate', 'timeoutNext', 'lostResponseRate', 'spikeRate', 'spikeMs', 'throttleRate'] as const;
  for (const k of nums) {
    const v = b[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalidValue(k, `'${k}' must be a non-negative number`);
    out[k] = v;
  }
  for (const k of ['errorRate', 'resetRate', 'timeoutRate', 'lostResponseRate', 'spikeRate', 'throttleRate'] as const) if ((out[k] ?? 0) > 1) throw invalidValue(k, `'${k}' must be between 0 and 1`);
  if (b.pathPrefixes !== undefined) {
    if (!Array.isArray(b.pathPrefixes) || !b.pathPrefixes.every((p) => typeof p === 'string')) throw invalidValue('pathPrefixes', "'pathPrefixes' must be an array of strings");
    out.pathPrefixes = b.pathPrefixes as string[];
  }
  if (b.poison !== undefined) {
    if (!isRecord(b.poison)) throw invalidValue('poison', "'poison' must map userName to {message, status?}");
    const poison: Record<string, PoisonRecord> = {};
    for (const [name, v] of Object.entries(b.poison)) {
      if (typeof v === 'string') poison[name] = { message: v };
      else if (isRecord(v) && typeof v.message === 'string') poison[name] = { message: v.message, status: typeof v.status === 'number' ? v.status : undefined };
      else throw invalidValue(`poison.${name}`, 'A poison entry needs a message');
    }
    out.poison = poison;
  }
  return out;
}

/** Faults from the environment at start-up (main.ts). */
export function faultsFromEnv(env: NodeJS.ProcessEnv): FaultOptions {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  const f: FaultOptions = {
    latencyMs: num('CONCUR_SIM_LATENCY_MS'),
    latencyJitterMs: num('CONCUR_SIM_LATENCY_JITTER_MS'),
    errorRate: num('CONCUR_SIM_ERROR_RATE'),
    errorStatus: num('CONCUR_SIM_ERROR_STATUS'),
    seed: num('CONCUR_SIM_SEED'),
    rateLimitRps: num('CONCUR_SIM_RATE_LIMIT_RPS'),
    retryAfterSeconds: num('CONCUR_SIM_RETRY_AFTER_SECONDS'),
    resetRate: num('CONCUR_SIM_RESET_RATE'),
    timeoutRate: num('CONCUR_SIM_TIMEOUT_RATE'),
    lostResponseRate: num('CONCUR_SIM_LOST_RESPONSE_RATE'),
    spikeRate: num('CONCUR_SIM_SPIKE_RATE'),
    throttleRate: num('CONCUR_SIM_THROTTLE_RATE'),
    spikeMs: num('CONCUR_SIM_SPIKE_MS'),
  };
  // "a@x.com,b@y.com=Custom message": userName, optionally with its failure message.
  const poisonEnv = env.CONCUR_SIM_POISON_USERNAMES;
  if (poisonEnv) {
    f.poison = {};
    for (const item of poisonEnv.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, ...msg] = item.split('=');
      f.poison[name] = { message: msg.join('=') || `Simulated permanent failure for ${name}` };
    }
  }
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as FaultOptions;
}
