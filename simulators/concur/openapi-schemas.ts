import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { URN_ENTERPRISE, URN_SPEND, URN_TRAVEL } from './constants';

/**
 * Turns SAP's vendored OpenAPI descriptions into plain JSON Schemas ajv can compile, and fixes
 * their known defects in one visible place. The files themselves stay byte-for-byte upstream.
 */
type Json = Record<string, unknown>;

export class OpenApiLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenApiLoadError';
  }
}

const OPENAPI_DIR = join(__dirname, 'openapi');
export const IDENTITY_FILE = 'identity-v4.1.swagger2.json';
export const UPS_FILE = 'user-provisioning-v4.swagger2.json';

export function loadSpec(file: string): Json {
  try {
    return JSON.parse(readFileSync(join(OPENAPI_DIR, file), 'utf8')) as Json;
  } catch (err) {
    throw new OpenApiLoadError(`cannot read vendored OpenAPI file ${file}`, { cause: err });
  }
}

/** Formats ajv-formats knows; others (int32 on strings, vendor formats) are annotations only. */
const KNOWN_FORMATS = new Set(['date', 'time', 'date-time', 'duration', 'uri', 'uri-reference', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'int32', 'int64', 'float', 'double', 'byte', 'regex']);
const DROP = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'readOnly', 'writeOnly', 'deprecated', 'description', 'title']);

/**
 * OpenAPI 3.0 / Swagger 2 schema object → JSON Schema (draft-07 subset): inlines `$ref`s,
 * turns `nullable` into a null type, drops annotations and `x-*`, and repairs two recurring
 * mistakes of these files: length limits on arrays (meant as item counts) and `type: object`
 * on string enums.
 */
export function toJsonSchema(node: unknown, root: Json, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, root, seen));
  if (typeof node !== 'object' || node === null) return node;
  const src = node as Json;
  if (typeof src.$ref === 'string') {
    const ref = src.$ref;
    if (seen.includes(ref)) return {}; // recursive reference: accept anything below this depth
    return toJsonSchema(resolveRef(root, ref), root, [...seen, ref]);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (DROP.has(k) || k.startsWith('x-')) continue;
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      // Property names are data, not keywords: convert each value but keep every name.
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, toJsonSchema(pv, root, seen)]));
    } else if (k === 'format') {
      if (typeof v === 'string' && KNOWN_FORMATS.has(v)) out.format = v;
    } else if (k === 'nullable') {
      continue;
    } else {
      out[k] = toJsonSchema(v, root, seen);
    }
  }
  if (out.type === 'array') {
    if (out.maxLength !== undefined) {
      out.maxItems = out.maxLength;
      delete out.maxLength;
    }
    if (out.minLength !== undefined) {
      out.minItems = out.minLength;
      delete out.minLength;
    }
  }
  if (out.type === 'object' && Array.isArray(out.enum) && out.enum.every((e) => typeof e === 'string')) out.type = 'string';
  if (src.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

function resolveRef(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new OpenApiLoadError(`external $ref not supported: ${ref}`);
  let cur: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = typeof cur === 'object' && cur !== null ? (cur as Json)[key] : undefined;
    if (cur === undefined) throw new OpenApiLoadError(`unresolvable $ref ${ref}`);
  }
  return cur;
}

function without(list: unknown, drop: string[]): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const kept = (list as string[]).filter((r) => !drop.includes(r));
  return kept.length ? kept : undefined;
}

function setRequired(schema: Json, req: string[] | undefined) {
  if (req) schema.required = req;
  else delete schema.required;
}

/**
 * The request form of a User schema: the files mark server-filled attributes (`id`, `timezone`,
 * `preferredLanguage`, enterprise `startDate`) as required, yet Concur fills them (digest §3.3).
 */
function userRequestForm(user: Json): Json {
  setRequired(user, without(user.required, ['id', 'timezone', 'preferredLanguage', 'meta']));
  const props = user.properties as Json;
  const ent = props[URN_ENTERPRISE] as Json | undefined;
  if (ent) setRequired(ent, without(ent.required, ['startDate']));
  // UPS: the guide's and SAP's examples enable Spend without cashAdvanceAccountCode and Travel
  // with ruleClass alone (digest §4.3, A10), against the swagger's required lists.
  const spend = props[URN_SPEND] as Json | undefined;
  if (spend) setRequired(spend, without(spend.required, ['cashAdvanceAccountCode']));
  const travel = props[URN_TRAVEL] as Json | undefined;
  if (travel) setRequired(travel, ['ruleClass']);
  return user;
}

/** RFC 7644 allows any JSON as a PATCH value; both files say `type: object`. */
function anyPatchValue(op: Json): Json {
  const props = op.properties as Json;
  props.value = {};
  return op;
}

export interface RequestSchemas {
  identityUser: Json;
  identityPatch: Json;
  identitySearch: Json;
  /** UPS User without its asynchronous extensions (validated synchronously like Identity). */
  upsUser: Json;
  upsPatch: Json;
  upsBulk: Json;
  /** Per-extension schemas for UPS's asynchronous extension processing. */
  upsExtensions: Record<string, Json>;
}

export function buildRequestSchemas(identity: Json = loadSpec(IDENTITY_FILE), ups: Json = loadSpec(UPS_FILE)): RequestSchemas {
  const idSchemas = (identity.components as Json).schemas as Json;
  const upsDefs = ups.definitions as Json;
  const conv = (root: Json, s: unknown) => toJsonSchema(s, root) as Json;

  const identityUser = userRequestForm(conv(identity, idSchemas.User));
  const identityPatch = conv(identity, idSchemas.PatchBody);
  anyPatchValue((identityPatch.properties as Json).Operations ? (((identityPatch.properties as Json).Operations as Json).items as Json) : {});
  identityPatch.type = 'object';
  const identitySearch = conv(identity, idSchemas.SearchRequest);

  const upsUser = userRequestForm(conv(ups, upsDefs.User));
  const upsPatch = conv(ups, upsDefs.PatchOp);
  // The UPS file types Operations as a single object; SCIM (and every SAP example) sends an array.
  const opSchema = anyPatchValue((upsPatch.properties as Json).Operations as Json);
  (upsPatch.properties as Json).Operations = { type: 'array', items: opSchema };
  upsPatch.required = ['schemas', 'Operations'];
  (opSchema as Json).required = ['op'];

  const upsBulk = conv(ups, upsDefs.BulkRequest);
  const bulkOp = ((upsBulk.properties as Json).Operations as Json).items as Json;
  const bulkOpProps = bulkOp.properties as Json;
  // `data` is a User for POST/PUT but a PatchOp for PATCH: validated per method instead.
  bulkOpProps.data = { type: 'object' };
  // The file allows only path "/Users", yet PUT/PATCH address "/Users/{uuid}"; DELETE is in the reference (digest §4.1).
  bulkOpProps.path = { type: 'string', pattern: '^/Users(/[^/]+)?$' };
  bulkOpProps.method = { type: 'string', enum: ['POST', 'PUT', 'PATCH', 'DELETE'] };
  bulkOp.required = ['method', 'path'];
  upsBulk.required = ['schemas', 'Operations'];

  const upsProps = upsUser.properties as Json;
  const upsExtensions: Record<string, Json> = {};
  // Extensions are processed asynchronously and fail on their own (digest §4.2): validated apart.
  for (const [k, v] of Object.entries(upsProps)) {
    if (k.startsWith('urn:') && k !== URN_ENTERPRISE) {
      upsExtensions[k] = v as Json;
      delete upsProps[k];
    }
  }

  return { identityUser, identityPatch, identitySearch, upsUser, upsPatch, upsBulk, upsExtensions };
}
