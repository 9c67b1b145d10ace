/**
 * Wires the real adapters into the activities' dependencies: the state store, LDAP/SQL sources,
 * the Concur connector and the mapping engine. Tests build ActivityDeps with fakes instead.
 */
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { ActivityDeps, UserMapper } from '../activities/activity-deps';
import { EncryptionCodec, loadPayloadKey } from '../codec/encryption-codec';
import type { Settings } from '../config/settings';
import type { ChannelConfig } from '../domain/config/channel-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import { compileMapping, MappingConfigError, type CompiledMapping } from '../domain/mapping';
import { createLdapChannelSource } from '../datastores/ldap-channel-source';
import { createSqlChannelSource } from '../datastores/sql-channel-source';
import { openStateStore } from '../store/open-state-store';
import { createSecretResolver } from '../store/store-secret-resolver';
import type { KnexStateStore } from '../store/knex-state-store';
import { createConcurUserTarget } from '../targets/concur';

export function openStore(settings: Settings): Promise<KnexStateStore> {
  return openStateStore(settings.store, { keyFile: settings.secretKeyFile });
}

/** Every payload Temporal stores is encrypted (defence in depth for rule 1). */
export function createDataConverter(settings: Pick<Settings, 'dataDir'>): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(loadPayloadKey(join(settings.dataDir, 'payload.key')))] };
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

export function createRuntimeDeps(store: KnexStateStore, overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  const secrets = createSecretResolver(store);
  const tokens = { load: (id: string) => store.loadOAuthToken(id), save: (id: string, t: Parameters<typeof store.saveOAuthToken>[1]) => store.saveOAuthToken(id, t) };
  return {
    store,
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
    openTarget: (connection) => createConcurUserTarget(connection, { secrets, tokens }),
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
