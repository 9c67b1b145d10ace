/**
 * problem+json (RFC 9457) as the console shows it: each issue beside the field its JSON pointer
 * names. Pure, so it is tested with Vitest.
 */
export interface Issue {
  pointer: string;
  message: string;
}
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  issues?: Issue[];
}

/**
 * Field errors keyed by the form's field path (`auth/accessToken`), from pointers rooted at
 * `/body` (or at `prefix` inside it, e.g. `/body/mapping`). Issues outside are returned apart.
 */
export function fieldErrors(problem: Problem | undefined, prefix = '/body'): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of problem?.issues ?? []) {
    const p = issue.pointer;
    if (p === prefix || p.startsWith(`${prefix}/`)) {
      const key = p.slice(prefix.length + 1).replace(/~1/g, '/').replace(/~0/g, '~');
      fields[key] = fields[key] ? `${fields[key]}; ${issue.message}` : issue.message;
    } else other.push(`${p}: ${issue.message}`);
  }
  if (!problem?.issues?.length && problem?.detail) other.push(problem.detail);
  return { fields, other };
}

/** Draft pointers (`/location/filter`) as field keys (`location/filter`). */
export function missingFields(issues: Issue[] | undefined): Record<string, string> {
  return fieldErrors({ issues: (issues ?? []).map((i) => ({ ...i, pointer: `/body${i.pointer}` })) }).fields;
}

/** The first field key of `fields` under `under` (`mapping/userName` under `mapping`). */
export function errorFor(fields: Record<string, string>, key: string): string | undefined {
  return fields[key];
}

/** A check's `setting` (`datastore.bindPassword`, `channel.location.baseDn`) as the form field key. */
export function settingField(setting: string | undefined): string | undefined {
  if (!setting) return undefined;
  return setting.replace(/^(datastore|channel|connection\.[a-z0-9-]+|channels\.[a-z0-9-]+)\./, '').replace(/\./g, '/');
}
