/**
 * A datastore check (DatastoreCheck from a source's verify) as the named checks activation
 * reports (`datastore`, `source-filter`; see verifyActivation in provisioning-activities.ts), so
 * "Test connection" and "Activate" speak the same language. Pure.
 */
import type { DatastoreCheck } from '../datastores/datastore';
import type { ActivationCheck } from '../workflows/messages';

export function datastoreChecks(check: DatastoreCheck, emptyScopeSetting: string, options: { countScope: boolean }): ActivationCheck[] {
  if (!check.ok) {
    const setting = check.setting ?? '';
    const isFilter = setting.includes('location') || setting.includes('source');
    return [{ name: isFilter ? 'source-filter' : 'datastore', ok: false, setting: check.setting, message: check.message ?? 'datastore check failed' }];
  }
  if (!options.countScope) return [{ name: 'datastore', ok: true, message: 'connected and bound' }];
  const datastore: ActivationCheck = { name: 'datastore', ok: true, message: `connected and bound; the base DN answered (${check.message ?? 'scope read'})` };
  if (check.sample === 0) {
    // As in activation: an empty scope is never a silent success.
    return [datastore, { name: 'source-filter', ok: false, setting: emptyScopeSetting, message: `0 entries in scope: check ${emptyScopeSetting}` }];
  }
  return [datastore, { name: 'source-filter', ok: true, message: `${check.sample ?? 0} entries in scope` }];
}
