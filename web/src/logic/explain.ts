/**
 * One audit entry in words: what was done, because of what (filter, mapping, source change,
 * exclusion, provisioning option), and Concur's answer. Pure.
 */
export interface AuditLike {
  action: string;
  outcome: string;
  reason: string;
  message?: string | null;
}

const ACTIONS: Record<string, string> = {
  create: 'Create the user in Concur',
  update: 'Update the user in Concur',
  disable: 'Disable the user in Concur',
  enable: 'Re-enable the user in Concur',
  delete: 'Delete the user in Concur',
  link: 'Link to an existing Concur account',
  retry: 'Retry the write',
  skip: 'Leave the user alone',
  invalid: 'Refuse the entry',
  none: 'No change',
};

function because(reason: string): string {
  const r = reason.toLowerCase();
  if (/exclu/.test(r)) return `the exclusion rule matches (${reason})`;
  if (/filter|scope|left|location/.test(r)) return `the source location/filter (${reason})`;
  if (/mapping|mapped|field/.test(r)) return `the attribute mapping (${reason})`;
  if (/changed|new|source|deleted|disabled|enabled/.test(r)) return `a change in the source (${reason})`;
  if (/option|usercreate|userupdate|userdisabledelete/.test(r)) return `the channel's provisioning options (${reason})`;
  return reason;
}

function answer(outcome: string, message?: string | null): string {
  switch (outcome) {
    case 'succeeded':
      return `Concur accepted it${message ? `: ${message}` : ''}.`;
    case 'failed':
      return `Concur (or the mapping) refused it${message ? `: ${message}` : ''}.`;
    case 'retrying':
      return `It will be retried${message ? `: ${message}` : ''}.`;
    case 'planned':
      return 'Planned (dry run or not yet applied).';
    case 'warning':
      return `Held back${message ? `: ${message}` : ''}.`;
    default:
      return `${outcome}${message ? `: ${message}` : ''}.`;
  }
}

export function explain(a: AuditLike): string {
  return `${ACTIONS[a.action] ?? a.action}, because of ${because(a.reason)}. ${answer(a.outcome, a.message)}`;
}
