/** `POST /datastores/{id}/test`: connect, bind, read the base DN, count the scope; nothing written. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Exclusion, LdapSourceSettings, SourceLocation, SourceSettings, SqlSourceSettings } from '../domain/config/source-settings';
import { createLdapChannelSource } from '../datastores/ldap-channel-source';
import { createSqlChannelSource } from '../datastores/sql-channel-source';
import type { ChannelSource } from '../datastores/datastore';
import type { StateStore } from '../store/state-store';
import { createSecretResolver, type SecretVaultReader } from '../store/store-secret-resolver';
import { ApiNotFoundError, ApiRequestError } from './api-errors';
import { AnyObject, IdParam, ProblemResponse } from './api-schemas';
import { datastoreChecks } from './datastore-checks';

/** Optional channel settings to count with (the wizard's source and location steps); LDAP defaults otherwise. */
export const DatastoreTestBody = z
  .object({
    source: SourceSettings.optional(),
    location: SourceLocation.optional(),
  })
  .strict();

const errors = { 400: ProblemResponse, 404: ProblemResponse, 409: ProblemResponse, 413: ProblemResponse, 415: ProblemResponse };

export function registerDatastoreTestRoutes(app: FastifyInstance, store: StateStore): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const secrets = createSecretResolver(store as unknown as SecretVaultReader);
  api.post(
    '/datastores/:id/test',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Connect, bind, read the base DN and count the scope (optionally with channel source settings and location); answers the named checks activation uses',
        tags: ['datastores'],
        params: IdParam,
        body: DatastoreTestBody.nullish(),
        response: { 200: AnyObject, ...errors },
      },
    },
    async (req) => {
      const datastore = await store.getDatastore(req.params.id);
      if (!datastore) throw new ApiNotFoundError(`no datastore with id "${req.params.id}"`);
      const body = req.body ?? {};
      const location = body.location ?? SourceLocation.parse({});
      const exclusion = Exclusion.parse({});
      let source: ChannelSource;
      let countScope = true;
      let emptyScope = 'channel.location.filter';
      if (datastore.type === 'ldap') {
        if (body.source && body.source.kind !== 'ldap') throw new ApiRequestError([{ pointer: '/body/source/kind', message: `datastore ${datastore.id} is LDAP: source settings must be kind "ldap"` }]);
        const settings = body.source ?? LdapSourceSettings.parse({ kind: 'ldap' });
        source = createLdapChannelSource(datastore, { source: settings, location, exclusion }, secrets);
        emptyScope = location.groupDn ? 'channel.location.groupDn' : location.baseDn ? 'channel.location.baseDn' : 'channel.location.filter';
      } else {
        if (body.source && body.source.kind !== 'sql') throw new ApiRequestError([{ pointer: '/body/source/kind', message: `datastore ${datastore.id} is SQL: source settings must be kind "sql"` }]);
        // Without a table or query there is no scope to count: connect and run one trivial statement.
        countScope = body.source !== undefined;
        const settings = body.source ?? SqlSourceSettings.parse({ kind: 'sql', query: 'SELECT 1 AS guid', guidColumn: 'guid' });
        source = createSqlChannelSource(datastore, { source: settings, location, exclusion }, secrets);
        emptyScope = `channel.source.${settings.table ? 'table' : 'query'}`;
      }
      try {
        const checks = datastoreChecks(await source.verify(), emptyScope, { countScope });
        return { ok: checks.every((c) => c.ok), checks };
      } finally {
        await source.close();
      }
    },
  );
}
