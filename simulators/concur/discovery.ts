import { LIMITS, URN_CORE, URN_ENTERPRISE, URN_SAP, URN_SETTINGS, URN_SPEND, URN_TRAVEL } from './constants';
import { buildRequestSchemas } from './openapi-schemas';

/** SCIM discovery documents (RFC 7643 §5-7), derived from the OpenAPI files where possible. */
type Json = Record<string, unknown>;

function scimType(s: Json): string {
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'boolean') return 'boolean';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'decimal';
  if (t === 'object') return 'complex';
  return 'string';
}

function attributes(schema: Json): Json[] {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props)
    .filter(([name]) => !name.startsWith('urn:'))
    .map(([name, s]) => {
      const multi = s.type === 'array';
      const inner = multi ? ((s.items ?? {}) as Json) : s;
      const attr: Json = {
        name,
        type: scimType(inner),
        multiValued: multi,
        required: required.has(name),
        caseExact: false,
        mutability: name === 'id' || name === 'meta' ? 'readOnly' : 'readWrite',
        returned: 'default',
        uniqueness: name === 'userName' ? 'global' : name === 'id' ? 'server' : 'none',
      };
      if (Array.isArray(inner.enum)) attr.canonicalValues = inner.enum;
      if (inner.type === 'object' && inner.properties) attr.subAttributes = attributes(inner);
      return attr;
    });
}

export interface Discovery {
  serviceProviderConfig: Json;
  resourceTypes: Json[];
  schemas: Json[];
}

export function buildDiscovery(baseUrl: string, basePath: string, ups: boolean): Discovery {
  const s = buildRequestSchemas();
  const user = (ups ? s.upsUser : s.identityUser) as Json;
  const props = user.properties as Record<string, Json>;
  const schemaDocs: Json[] = [
    { id: URN_CORE, name: 'User', description: 'User Account', attributes: attributes(user) },
    ...[URN_ENTERPRISE, URN_SAP, URN_SETTINGS]
      .filter((u) => props[u])
      .map((u) => ({ id: u, name: u.split(':').slice(-3).join(':'), attributes: attributes(props[u]) })),
    ...(ups ? Object.entries(s.upsExtensions).map(([u, e]) => ({ id: u, name: u.split(':').slice(-3).join(':'), attributes: attributes(e) })) : []),
  ].map((d) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...d, meta: { resourceType: 'Schema', location: `${baseUrl}${basePath}/Schemas/${d.id}` } }));
  const extensions = [{ schema: URN_ENTERPRISE, required: true }, { schema: URN_SAP, required: false }, ...(ups ? [URN_SPEND, URN_TRAVEL].map((u) => ({ schema: u, required: false })) : [])];
  return {
    serviceProviderConfig: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: ups, maxOperations: ups ? LIMITS.bulkMaxOperations : 0, maxPayloadSize: ups ? LIMITS.bulkMaxBytes : 0 },
      filter: { supported: true, maxResults: LIMITS.maxPageSize },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      pagination: { cursor: true, index: false, defaultPaginationMethod: 'cursor', defaultPageSize: LIMITS.defaultPageSize, maxPageSize: LIMITS.maxPageSize },
      authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a company access token', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}${basePath}/ServiceProviderConfig` },
    },
    resourceTypes: [
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: URN_CORE,
        schemaExtensions: extensions,
        meta: { resourceType: 'ResourceType', location: `${baseUrl}${basePath}/ResourceTypes/User` },
      },
    ],
    schemas: schemaDocs,
  };
}

export function listResponse(resources: Json[]): Json {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}
