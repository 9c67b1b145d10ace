/**
 * Account status per PingFederate's source settings: a flag attribute compared with a value that
 * means enabled or disabled (Flag Comparison Value and Status), or AD's userAccountControl bitmap (bit 0x2, ACCOUNTDISABLE). When the
 * attribute is absent (or unreadable) the channel's default status applies.
 */
import type { LdapSourceSettings } from '../domain/config/source-settings';

export const AD_ACCOUNT_DISABLE = 0x2;

type StatusSettings = Pick<LdapSourceSettings, 'accountStatus' | 'defaultStatus'>;

/** The attribute the status algorithm reads, if any (so the search can request it). */
export function statusAttribute(settings: StatusSettings): string | undefined {
  return settings.accountStatus.algorithm === 'none' ? undefined : settings.accountStatus.attribute;
}

/** True when the account is enabled; `values` are the status attribute's values. */
export function accountEnabled(values: string[], settings: StatusSettings): boolean {
  const byDefault = settings.defaultStatus === 'enabled';
  const status = settings.accountStatus;
  switch (status.algorithm) {
    case 'none':
      return byDefault;
    case 'flag': {
      if (values.length === 0) return byDefault;
      const compared = (status.comparisonValue ?? status.disabledValue ?? '').toLowerCase();
      const matches = values.some((v) => v.trim().toLowerCase() === compared);
      const matchMeansEnabled = status.disabledValue === undefined && status.comparisonStatus === 'enabled';
      return matchMeansEnabled ? matches : !matches;
    }
    case 'active-directory': {
      const text = values[0]?.trim();
      // userAccountControl is a signed 32-bit integer in AD; anything else is not a bitmap.
      if (!text || !/^-?\d+$/.test(text)) return byDefault;
      return (Number(text) & AD_ACCOUNT_DISABLE) === 0;
    }
  }
}
