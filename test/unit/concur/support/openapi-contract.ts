/**
 * Validates requests the connector sends against SAP's official OpenAPI files
 * (../shared/reference/concur beside the repository), so a request that would not pass Concur's
 * published contract fails a test.
 *
 * The files contradict SAP's own documented examples in a few places; each relaxation below is
 * the smallest that lets those examples pass, cites the digest, and is proven necessary by a test
 * (openapi-contract.test.ts) that shows the literal schema rejecting SAP's example:
 *  R1  User `required` lists server-filled `id`, `timezone`, `preferredLanguage` and enterprise
 *      `startDate` (digest §3.3; A4 omits them).
 *  R2  PatchOperation `value` is typed `object`; RFC 7644 and SAP's A7/A8 send strings/booleans.
 *  R3  UPS PatchOp types `Operations` as one object; SCIM and SAP's examples send an array.
 *  R4  UPS BulkRequest allows only path `/Users`, yet PATCH/PUT address `/Users/{uuid}` and `data`
 *      of a PATCH is a PatchOp, not a User (digest §4.1).
 *  R5  UPS SpendUser `reimbursementType` is an enum of strings typed `object`.
 *  R6  UPS SpendUser lists custom fields as `schemaCustomData` with read-side `href`/`syncGuid`
 *      required; UPS's reference and a real payload use `customData[{id, value}]` (digest §4.2-4.3).
 * Beyond the body schemas, every PATCH operation's `path` must name an attribute the User schema
 * has, and its value must match that attribute's schema.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const REFERENCE_DIR = resolve(__dirname, '../../../../../shared/reference/concur');
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function loadSpecs(): { identity: Json; ups: Json } {
  return {
    identity: JSON.parse(readFileSync(resolve(REFERENCE_DIR, 'identity-v4.1.swagger2.json'), 'utf8')),
    ups: JSON.parse(readFileSync(resolve(REFERENCE_DIR, 'user-provisioning-v4.swagger2.json'), 'utf8')),
  };
}

/** Inlines local $refs (the files have no recursion on the schemas used here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OpenAPI documents are untyped JSON
function inline(node: unknown, root: Json, depth = 0): any {
  if (depth > 30) throw new Error('schema nesting too deep');
  if (Array.isArray(node)) return node.map((n) => inline(n, root, depth + 1));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Json;
  if (typeof src.$ref === 'string') {
    const target = src.$ref.slice(2).split('/').reduce((cur: Json, key: string) => cur[key], root);
    return inline(target, root, depth + 1);
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, inline(pv, root, depth + 1)])) : inline(v, root, depth + 1);
  }
  return out;
}

export interface Schemas {
  identityUser: Json;
  identityPatch: Json;
  identitySearch: Json;
  upsUser: Json;
  upsPatch: Json;
  upsBulk: Json;
}

/** The literal schemas, straight from the files. */
export function literalSchemas(): Schemas {
  const { identity, ups } = loadSpecs();
  const id = (name: string) => inline(identity.components.schemas[name], identity);
  const up = (name: string) => inline(ups.definitions[name], ups);
  return { identityUser: id('User'), identityPatch: id('PatchBody'), identitySearch: id('SearchRequest'), upsUser: up('User'), upsPatch: up('PatchOp'), upsBulk: up('BulkRequest') };
}

/** The schemas with relaxations R1–R5 applied. */
export function contractSchemas(): Schemas {
  const s = literalSchemas();
  for (const user of [s.identityUser, s.upsUser]) {
    user.required = user.required.filter((r: string) => !['id', 'timezone', 'preferredLanguage'].includes(r)); // R1
    const ent = user.properties[ENTERPRISE];
    if (ent?.required) ent.required = ent.required.filter((r: string) => r !== 'startDate'); // R1
  }
  delete s.identityPatch.properties.Operations.items.properties.value.type; // R2
  const upsOp = s.upsPatch.properties.Operations;
  delete upsOp.properties.value.type; // R2
  s.upsPatch.properties.Operations = { type: 'array', items: { ...upsOp, required: ['op'] } }; // R3
  s.upsPatch.required = ['schemas', 'Operations'];
  const bulkOp = s.upsBulk.properties.Operations.items;
  bulkOp.properties.path = { type: 'string', pattern: '^/Users(/[0-9a-fA-F-]{36})?$' }; // R4
  bulkOp.properties.data = { type: 'object' }; // R4: checked per method below
  bulkOp.required = ['method', 'path', 'data'];
  bulkOp.if = { properties: { method: { const: 'POST' } } };
  bulkOp.then = { required: ['bulkId'] };
  s.upsBulk.required = ['schemas', 'Operations'];
  const spend = s.upsUser.properties['urn:ietf:params:scim:schemas:extension:spend:2.0:User'];
  spend.properties.reimbursementType.type = 'string'; // R5
  const custom = spend.properties.schemaCustomData; // R6
  delete spend.properties.schemaCustomData;
  spend.properties.customData = { ...custom, items: { ...custom.items, required: ['id', 'value'] } };
  return s;
}

function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  return ajv;
}

const compiled = new WeakMap<Json, ValidateFunction>();
let sharedAjv: Ajv | undefined;

/** Compiled once per schema object (PATCH checks compile attribute schemas on demand). */
export function compile(schema: Json): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = (sharedAjv ??= makeAjv()).compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** The schema of the attribute a PATCH path names, or undefined when the User schema has no such attribute. */
export function attributeSchema(user: Json, path: string): Json | undefined {
  let rest = path;
  let node: Json = user;
  const urn = Object.keys(user.properties).find((k) => k.startsWith('urn:') && (path === k || path.startsWith(`${k}:`)));
  if (urn) {
    node = user.properties[urn];
    if (path === urn) return node;
    rest = path.slice(urn.length + 1);
  }
  // `emails[type eq "work"].value` → emails, items, value
  const m = /^([A-Za-z$][\w$]*)(\[[^\]]*\])?(?:\.([A-Za-z$][\w$]*))?$/.exec(rest);
  if (!m) return undefined;
  const [, attr, filter, sub] = m;
  let schema: Json | undefined = node.properties?.[attr];
  if (!schema) return undefined;
  if (filter) {
    if (schema.type !== 'array') return undefined;
    schema = schema.items;
  }
  if (sub) {
    const inner: Json | undefined = schema?.type === 'array' ? schema.items : schema;
    schema = inner?.properties?.[sub];
  }
  if (!schema) return undefined;
  // `emails[type eq "work"]` addresses one element; without a filter a multi-valued attribute takes an array.
  return schema;
}

export interface CapturedRequest {
  method: string;
  path: string;
  body?: unknown;
}

export class ContractViolation extends Error {
  constructor(
    readonly request: CapturedRequest,
    readonly problems: string[],
  ) {
    super(`${request.method} ${request.path} breaks the Concur OpenAPI contract:\n  ${problems.join('\n  ')}`);
    this.name = 'ContractViolation';
  }
}

export class ContractValidator {
  private readonly schemas = contractSchemas();
  private readonly v = {
    identityUser: compile(this.schemas.identityUser),
    identityPatch: compile(this.schemas.identityPatch),
    identitySearch: compile(this.schemas.identitySearch),
    upsPatch: compile(this.schemas.upsPatch),
    upsBulk: compile(this.schemas.upsBulk),
    upsUser: compile(this.schemas.upsUser),
  };
  /** Operations seen, by name, to show the tests covered every kind of request. */
  readonly seen = new Set<string>();

  check(req: CapturedRequest): void {
    const path = req.path.split('?')[0];
    const problems: string[] = [];
    const run = (name: keyof typeof this.v, body: unknown, prefix = '') => {
      const fn = this.v[name];
      if (!fn(body)) problems.push(...(fn.errors ?? []).map((e) => `${prefix}${e.instancePath || '(body)'} ${e.message}`));
    };
    const key = `${req.method} ${path.replace(/[0-9a-fA-F-]{36}/g, '{id}').replace(/\/provisions\/[^/]+\/status$/, '/provisions/{id}/status')}`;
    this.seen.add(key);
    switch (key) {
      case 'POST /profile/identity/v4.1/Users':
        run('identityUser', req.body);
        break;
      case 'PUT /profile/identity/v4.1/Users/{id}':
        run('identityUser', req.body);
        break;
      case 'PATCH /profile/identity/v4.1/Users/{id}':
        run('identityPatch', req.body);
        this.checkPatchPaths(this.schemas.identityUser, req.body, problems);
        break;
      case 'POST /profile/identity/v4.1/Users/.search':
        run('identitySearch', req.body);
        if ((req.body as Json)?.schemas?.[0] !== 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest') problems.push('schemas must be the SearchRequest URN (SRCH)');
        break;
      case 'GET /profile/identity/v4.1/Users':
      case 'GET /profile/identity/v4.1/Users/{id}':
      case 'DELETE /profile/identity/v4.1/Users/{id}':
      case 'GET /profile/v4/provisions/{id}/status':
        if (req.body !== undefined) problems.push('must not carry a body');
        break;
      case 'POST /profile/v4/Bulk': {
        run('upsBulk', req.body);
        const ops = ((req.body as Json)?.Operations ?? []) as Json[];
        if (ops.length > 100) problems.push(`${ops.length} operations, more than 100`);
        if (Buffer.byteLength(JSON.stringify(req.body)) > 400 * 1024) problems.push('more than 400 KB');
        ops.forEach((op, i) => {
          if (op.method === 'PATCH') {
            run('upsPatch', op.data, `/Operations/${i}/data`);
            this.checkPatchPaths(this.schemas.upsUser, op.data, problems, `/Operations/${i}/data`);
          } else if (op.method === 'POST' || op.method === 'PUT') run('upsUser', op.data, `/Operations/${i}/data`);
        });
        break;
      }
      default:
        problems.push('is not an operation of the Identity v4.1 or UPS v4 OpenAPI files');
    }
    if (problems.length > 0) throw new ContractViolation(req, problems);
  }

  checkAll(requests: CapturedRequest[]): void {
    for (const r of requests) this.check(r);
  }

  private checkPatchPaths(user: Json, body: unknown, problems: string[], prefix = ''): void {
    const ops = ((body as Json)?.Operations ?? []) as Json[];
    ops.forEach((op, i) => {
      if (op.path === undefined) {
        if (op.op === 'remove') problems.push(`${prefix}/Operations/${i} remove needs a path`);
        return;
      }
      const schema = attributeSchema(user, op.path);
      if (!schema) {
        problems.push(`${prefix}/Operations/${i} path ${op.path} names no attribute of the User schema`);
        return;
      }
      if (op.op === 'remove') return;
      // An `add` to a multi-valued attribute carries an array of elements.
      const fn = compile(schema);
      if (!fn(op.value)) problems.push(...(fn.errors ?? []).map((e) => `${prefix}/Operations/${i}/value${e.instancePath} ${e.message} (path ${op.path})`));
    });
  }
}
