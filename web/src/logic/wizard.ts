/** The channel wizard's pages (PingFederate's order) and which draft issues each shows. Pure. */
export const STEPS = [
  { id: 'info', title: 'Channel info' },
  { id: 'source', title: 'Source' },
  { id: 'source-settings', title: 'Source settings' },
  { id: 'source-location', title: 'Source location' },
  { id: 'mapping', title: 'Attribute mapping' },
  { id: 'target', title: 'Target' },
  { id: 'review', title: 'Review and activate' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export function stepIndex(id: string): number {
  const i = STEPS.findIndex((s) => s.id === id);
  return i < 0 ? 0 : i;
}

/** A short summary of what a draft lacks, for the channel list: "mapping: 2, target: 1". */
export function missingSummary(missing: Record<string, Array<unknown>> | undefined): string {
  if (!missing) return '';
  const parts = STEPS.filter((s) => s.id !== 'review' && (missing[s.id]?.length ?? 0) > 0).map((s) => `${s.title}: ${missing[s.id].length}`);
  return parts.length ? parts.join(', ') : 'complete';
}

/** Sets a value at a slash path (`location/filter`) in a copy of the object. */
export function setPath<T extends Record<string, unknown>>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.split('/');
  let cur = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined || value === '') delete cur[last];
  else cur[last] = value;
  return copy as T;
}

export function getPath(obj: unknown, path: string): unknown {
  return path.split('/').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), obj);
}
