/**
 * The composition root the worker, the API and the CLI's local commands share: the state store,
 * the payload codec and data converter, and the real adapters wired into the activities'
 * dependencies (LDAP/SQL sources, the Concur connector, the mapping engine). Tests build
 * ActivityDeps with fakes instead.
 */
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { ActivityDeps, UserMapper } from '../activities/activity-deps';
import { EncryptionCodec, loadPayloadKey } from '../codec/encryption-codec';
import { loadSettings, type Settings } from '../config/settings';
import { secretPolicyFromEnv, type SecretPolicy } from '../config/secret-policy';
import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import { compileMapping, MappingConfigError, type CompiledMapping } from '../domain/mapping';
import { createLdapChannelSource } from '../datastores/ldap-channel-source';
import { createSqlChannelSource } from '../datastores/sql-channel-source';
import { openStateStore } from '../store/open-state-store';
import { createSecretResolver } from '../store/store-secret-resolver';
import type { KnexStateStore } from '../store/knex-state-store';
import { createConcurUserTarget } from '../targets/concur';
import type { WorkerMetrics } from '../worker/worker-metrics';

export function openStore(settings: Settings): Promise<KnexStateStore> {
  return openStateStore(settings.store, { keyFile: settings.secretKeyFile });
}

/** The payload codec (AES-256-GCM) with the deployment's key. */
export function createPayloadCodec(settings: Pick<Settings, 'dataDir'>): EncryptionCodec {
  return new EncryptionCodec(loadPayloadKey(join(settings.dataDir, 'payload.key')));
}

/**
 * Every payload Temporal stores is encrypted: histories carry no attribute values or secrets,
 * and the codec keeps ids and reasons unreadable to whoever reads the Temporal database too.
 */
export function createDataConverter(settings: Pick<Settings, 'dataDir'>, codec = createPayloadCodec(settings)): DataConverter {
  return { payloadCodecs: [codec] };
}

export function compileChannelMapping(channel: ChannelConfig, connection: ConnectionConfig): UserMapper & Pick<CompiledMapping, 'preview'> {
  return compileMapping(channel.mapping, { requiredFields: connection.requiredFields, companyId: connection.companyId });
}

/**
 * The attributes a channel's mapping reads, so the datastore fetches only those; undefined (fetch
 * everything) when an expression reads attributes it does not name or the mapping does not compile
 * (activation reports that; the read must not be the place it fails).
 */
export function mappedSourceAttributes(channel: ChannelConfig): readonly string[] | undefined {
  try {
    const compiled = compileMapping(channel.mapping);
    return compiled.readsAllAttributes ? undefined : compiled.sourceAttributes;
  } catch (err) {
    if (err instanceof MappingConfigError) return undefined;
    throw err;
  }
}

export interface RuntimeOptions {
  /** Counts Concur requests (latency, 429s) and users by action and outcome. */
  metrics?: WorkerMetrics;
  /** Where secret references may point when resolved (default: from the environment, as the API validates). */
  secretPolicy?: SecretPolicy;
}

export function createRuntimeDeps(store: KnexStateStore, overrides: Partial<ActivityDeps> = {}, options: RuntimeOptions = {}): ActivityDeps {
  const { metrics } = options;
  const secrets = createSecretResolver(store, process.env, options.secretPolicy ?? secretPolicyFromEnv(process.env, loadSettings().dataDir));
  const tokens = { load: (id: string) => store.loadOAuthToken(id), save: (id: string, t: Parameters<typeof store.saveOAuthToken>[1]) => store.saveOAuthToken(id, t) };
  return {
    store: metrics ? metrics.observeStore(store) : store,
    openSource(channel, datastore) {
      if (datastore.type === 'ldap' && channel.source.kind === 'ldap') {
        const mappedAttributes = mappedSourceAttributes(channel);
        return createLdapChannelSource(datastore, { source: channel.source, location: channel.location, exclusion: channel.exclusion, mappedAttributes }, secrets);
      }
      if (datastore.type === 'sql' && channel.source.kind === 'sql') {
        return createSqlChannelSource(datastore, { source: channel.source, location: channel.location, exclusion: channel.exclusion }, secrets);
      }
      throw new Error(`channel ${channel.id}: source settings (${channel.source.kind}) do not fit datastore ${datastore.id} (${datastore.type})`);
    },
    openTarget: (connection) => createConcurUserTarget(connection, { secrets, tokens, observe: metrics?.observeConcurRequest }),
    compileMapper: compileChannelMapping,
    checkMapping(channel, connection) {
      try {
        compileChannelMapping(channel, connection);
        return [];
      } catch (err) {
        if (err instanceof MappingConfigError) return err.issues.map((i) => ({ path: `channels.${channel.id}.${i.path}`, message: i.message }));
        throw err;
      }
    },
    ...overrides,
  };
}
