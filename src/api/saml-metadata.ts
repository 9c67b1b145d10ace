import { XMLParser } from 'fast-xml-parser';
import { ApiRequestError } from './api-errors';

/** What a SAML metadata file gives PingFederate's General Info page and the connection type. */
export interface ImportedMetadata {
  entityId: string;
  name?: string;
  partnerBaseUrl?: string;
}

const refuse = (message: string) => new ApiRequestError([{ pointer: '/body', message }]);

/**
 * Reads an EntityDescriptor. Documents with a DTD (DOCTYPE or ENTITY declarations) are refused
 * before parsing, and entity processing is off, so no entity is ever expanded or fetched.
 */
export function parseSamlMetadata(xml: string): ImportedMetadata {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw refuse('DTDs and entity declarations are not accepted in metadata');
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, processEntities: false, htmlEntities: false, allowBooleanAttributes: false });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch {
    throw refuse('the metadata is not well-formed XML');
  }
  const entity = doc.EntityDescriptor as Record<string, unknown> | undefined;
  if (!entity || typeof entity !== 'object') throw refuse('the metadata has no EntityDescriptor');
  const entityId = entity['@entityID'];
  if (typeof entityId !== 'string' || !entityId) throw refuse('the EntityDescriptor has no entityID');
  const org = (entity.Organization ?? {}) as Record<string, unknown>;
  const text = (v: unknown): string | undefined => {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') return first.trim() || undefined;
    if (first && typeof first === 'object' && typeof (first as { '#text'?: unknown })['#text'] === 'string') return ((first as { '#text': string })['#text']).trim() || undefined;
    return undefined;
  };
  const url = text(org.OrganizationURL) ?? (/^https:\/\//.test(entityId) ? entityId : undefined);
  return { entityId, name: text(org.OrganizationDisplayName) ?? text(org.OrganizationName), partnerBaseUrl: url };
}
