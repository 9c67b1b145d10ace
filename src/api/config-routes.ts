import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { applyConfig } from '../config/apply-config';
import { planConfig } from '../domain/config/config-plan';
import { OutboundConfig, type ConfigIssue } from '../domain/config/outbound-config';
import { connectionSecretFields, datastoreSecretFields } from '../store/config-secret-fields';
import type { StateStore } from '../store/state-store';
import { ApiConflictError, ApiRequestError, zodIssues } from './api-errors';
import { AnyObject, PruneQuery } from './api-schemas';
import { ChannelNotRunningError } from './channel-control';
import { refuseUnsetSecrets } from './resource-routes';
import { keepSetSecrets, publicConnection, publicDatastore, secretPointers } from './resource-views';
import { ops, type ApiScope, type RouteContext } from './route-context';

type CheckSecrets = (config: z.infer<typeof OutboundConfig>, pointer: (issue: ConfigIssue) => string) => Promise<void>;

/** Configuration as code: read it, plan a file against it, apply a file in one transaction. */
export function registerConfigRoutes(scope: ApiScope, { store, control }: RouteContext, checkSecrets: CheckSecrets): void {
  const api = scope.withTypeProvider<ZodTypeProvider>();
  const parseConfig = (body: unknown) => {
    const parsed = OutboundConfig.safeParse(body);
    if (!parsed.success) throw new ApiRequestError(zodIssues('/body', parsed.error.issues as never));
    return parsed.data;
  };
  const currentConfig = async () => ({
    datastores: await store.listDatastores(),
    connections: await store.listConnections(),
    channels: (await store.listChannels()).map((c) => c.config),
  });
  api.get('/config', { config: { role: 'read' }, schema: { summary: 'Current configuration (secrets shown as "set" or a reference)', tags: ['config'], response: { 200: AnyObject } } }, async () => {
    const c = await currentConfig();
    return { datastores: c.datastores.map(publicDatastore), connections: c.connections.map(publicConnection), channels: c.channels };
  });
  api.post(
    '/config/plan',
    { config: { role: 'admin' }, schema: { summary: 'What applying this configuration would change (secrets only as "changed")', tags: ['config'], querystring: PruneQuery, body: AnyObject, response: { 200: AnyObject, ...ops } } },
    async (req) => {
      const desired = parseConfig(req.body);
      await keepStoredSecrets(store, desired);
      await checkSecrets(desired, configPointer);
      const current = await currentConfig();
      // Literal secrets equal to what the vault holds are no change.
      await sameSecretsAsStored(store, current, desired);
      const changes = planConfig(current, { ...desired, channels: desired.channels }, { prune: req.query.prune === 'true', secretFields: secretPointers });
      return { changes };
    },
  );
  api.put(
    '/config',
    { config: { role: 'admin' }, schema: { summary: 'Apply a configuration in one transaction; ?prune=true deletes what it no longer names', tags: ['config'], querystring: PruneQuery, body: AnyObject, response: { 200: AnyObject, ...ops } } },
    async (req) => {
      const config = parseConfig(req.body);
      await keepStoredSecrets(store, config);
      await checkSecrets(config, configPointer);
      const prune = req.query.prune === 'true';
      if (prune) {
        const names = new Set(config.channels.map((c) => c.id));
        const active = (await store.listChannels()).filter((c) => c.config.active && !names.has(c.config.id)).map((c) => c.config.id);
        if (active.length) throw new ApiConflictError(`prune would delete active channel(s) ${active.join(', ')}; deactivate them first`);
      }
      const summary = await applyConfig(store, config, { prune });
      // The file's `active` flags: activation runs the same checks as POST …/activate.
      const activations = [];
      for (const id of summary.toActivate) activations.push(await control.activate(id));
      for (const id of summary.toDeactivate) {
        await control.deactivate(id).catch((err: unknown) => {
          if (!(err instanceof ChannelNotRunningError)) throw err;
        });
        const found = await store.getChannel(id);
        if (found) await store.putChannel({ ...found.config, active: false });
      }
      return { ...summary, activations };
    },
  );

}

/** Replaces literal secrets that equal the stored (vaulted) value by the stored reference, for the plan. */
/** A file read back from GET /config shows stored secrets as "set": applying it keeps them. */
async function keepStoredSecrets(store: StateStore, config: z.infer<typeof OutboundConfig>): Promise<void> {
  for (const [i, d] of config.datastores.entries()) {
    const previous = await store.getDatastore(d.id);
    refuseUnsetSecrets(keepSetSecrets(datastoreSecretFields(d), previous ? datastoreSecretFields(previous) : undefined), `/body/datastores/${i}`);
  }
  for (const [i, c] of config.connections.entries()) {
    const previous = await store.getConnection(c.id);
    refuseUnsetSecrets(keepSetSecrets(connectionSecretFields(c), previous ? connectionSecretFields(previous) : undefined), `/body/connections/${i}`);
  }
}

/** `datastores[0].bindPassword` as the JSON pointer `/body/datastores/0/bindPassword`. */
function configPointer(issue: ConfigIssue): string {
  return `/body/${issue.path.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '/')}`;
}

async function sameSecretsAsStored(store: StateStore, current: z.infer<typeof OutboundConfig>, desired: z.infer<typeof OutboundConfig>): Promise<void> {
  const reader = store as StateStore & { readSecret?: (id: string) => Promise<string> };
  if (!reader.readSecret) return;
  const pairs = [
    ...desired.datastores.map((d) => [datastoreSecretFields(d), current.datastores.find((c) => c.id === d.id)] as const).map(([f, prev]) => [f, prev ? datastoreSecretFields(prev) : []] as const),
    ...desired.connections.map((d) => [connectionSecretFields(d), current.connections.find((c) => c.id === d.id)] as const).map(([f, prev]) => [f, prev ? connectionSecretFields(prev) : []] as const),
  ];
  for (const [next, prev] of pairs) {
    for (const f of next) {
      const stored = prev.find((p) => p.name === f.name)?.get();
      const value = f.get();
      if (!stored?.startsWith('vault:') || value === undefined || /^(env|file|vault):/.test(value)) continue;
      const plain = await reader.readSecret(stored.slice('vault:'.length)).catch(() => undefined);
      if (plain === value) f.set(stored);
    }
  }
}
