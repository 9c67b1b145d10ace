import { ChannelConfig } from '../domain/config/channel-config';
import { jsonPointer, type RequestIssue } from './api-errors';

/** The channel wizard's steps (PingFederate's order), each owning top-level channel fields. */
export const WIZARD_STEPS = ['info', 'source', 'source-settings', 'source-location', 'mapping', 'target', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

const STEP_OF_FIELD: Record<string, WizardStep> = {
  datastoreId: 'source',
  source: 'source-settings',
  location: 'source-location',
  exclusion: 'source-location',
  mapping: 'mapping',
  connectionId: 'target',
};

export function stepOf(path: ReadonlyArray<PropertyKey>): WizardStep {
  return STEP_OF_FIELD[String(path[0] ?? '')] ?? 'info';
}

/**
 * What a (possibly incomplete) channel still lacks, per wizard step, as JSON pointers into it.
 * `review` lists everything, as the wizard's summary page does.
 */
export function missingByStep(draft: unknown): Record<WizardStep, RequestIssue[]> {
  const result = Object.fromEntries(WIZARD_STEPS.map((s) => [s, [] as RequestIssue[]])) as Record<WizardStep, RequestIssue[]>;
  const parsed = ChannelConfig.safeParse(draft ?? {});
  if (parsed.success) return result;
  for (const issue of parsed.error.issues) {
    const entry = { pointer: jsonPointer('', issue.path), message: issue.message };
    result[stepOf(issue.path)].push(entry);
    result.review.push(entry);
  }
  return result;
}
