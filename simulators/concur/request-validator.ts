import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ConcurApiError, type ConcurMessage } from './concur-error';
import { isRecord } from './attribute-path';
import { buildRequestSchemas, type RequestSchemas } from './openapi-schemas';

export type SchemaName = Exclude<keyof RequestSchemas, 'upsExtensions'>;

/**
 * Concur's schemaPath for a JSON pointer into the request: dotted names, extension URNs joined with
 * a colon, and multi-valued elements named by their `type` or `id` the way Concur reports them
 * (`emails[type eq "work"].value`, `customData[id eq "custom3"].value`), else by index.
 */
export function schemaPathOf(pointer: string, data: unknown, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  let cur: unknown = data;
  parts.forEach((part, i) => {
    if (Array.isArray(cur) && /^\d+$/.test(part)) {
      const el: unknown = cur[Number(part)];
      const key = isRecord(el) ? (typeof el.type === 'string' ? 'type' : typeof el.id === 'string' ? 'id' : undefined) : undefined;
      out += key && isRecord(el) ? `[${key} eq "${String(el[key])}"]` : `[${part}]`;
      cur = el;
      return;
    }
    // Extension attributes read `urn:…:User:attr`, as in Concur's PATCH paths.
    out += out === '' ? part : i === 1 && parts[0].startsWith('urn:') ? `:${part}` : `.${part}`;
    cur = isRecord(cur) ? cur[part] : undefined;
  });
  return out;
}

function messageFor(e: ErrorObject, path: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `Required attribute '${path}' is missing`;
    case 'maxLength':
      return `Value of '${path}' exceeds the maximum length of ${String(p.limit)}`;
    case 'minLength':
      return `Value of '${path}' is shorter than the minimum length of ${String(p.limit)}`;
    case 'maxItems':
      return `'${path}' allows at most ${String(p.limit)} values`;
    case 'minItems':
      return `'${path}' needs at least ${String(p.limit)} values`;
    case 'enum':
      return `Value of '${path}' must be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `Value of '${path}' must be of type ${String(p.type)}`;
    case 'format':
      return `Value of '${path}' must be a valid ${String(p.format)}`;
    case 'pattern':
      return `Value of '${path}' has an invalid format`;
    default:
      return `Value of '${path}' is invalid: ${e.message ?? e.keyword}`;
  }
}

/** Ajv errors → Concur messages, one per distinct path and keyword. */
export function toConcurMessages(errors: ErrorObject[], data: unknown): ConcurMessage[] {
  const seen = new Set<string>();
  const out: ConcurMessage[] = [];
  for (const e of errors) {
    const missing = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : undefined;
    const path = schemaPathOf(e.instancePath, data, missing) || '(body)';
    const key = `${path}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: 'INVALID_VALUE', message: messageFor(e, path), schemaPath: path, type: 'error' });
  }
  return out;
}

export class RequestValidationError extends ConcurApiError {
  constructor(messages: ConcurMessage[], scimType = 'invalidValue') {
    super(400, messages.map((m) => m.message).join('; '), { scimType, messages });
    this.name = 'RequestValidationError';
  }
}

/** Compiled once at start-up; validation is then a plain function call per request. */
export class RequestValidator {
  private readonly validators: Record<SchemaName, ValidateFunction>;
  private readonly extensionValidators = new Map<string, ValidateFunction>();

  constructor(schemas: RequestSchemas = buildRequestSchemas()) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats(ajv);
    const names: SchemaName[] = ['identityUser', 'identityPatch', 'identitySearch', 'upsUser', 'upsPatch', 'upsBulk'];
    this.validators = Object.fromEntries(names.map((n) => [n, ajv.compile(schemas[n])])) as Record<SchemaName, ValidateFunction>;
    for (const [urn, s] of Object.entries(schemas.upsExtensions)) this.extensionValidators.set(urn, ajv.compile(s));
  }

  /** Throws Concur's 400 when `data` does not match the named request schema. */
  check(name: SchemaName, data: unknown): void {
    if (!isRecord(data)) throw new RequestValidationError([{ code: 'INVALID_VALUE', message: 'The request body must be a JSON object', schemaPath: '(body)', type: 'error' }], 'invalidSyntax');
    const v = this.validators[name];
    if (!v(data)) throw new RequestValidationError(toConcurMessages(v.errors ?? [], data));
  }

  /** Messages for one UPS extension object (paths prefixed with the URN), empty when valid. */
  checkExtension(urn: string, data: unknown): ConcurMessage[] {
    const v = this.extensionValidators.get(urn);
    if (!v) return [];
    if (v(data)) return [];
    const errors = (v.errors ?? []).map((e) => ({ ...e, instancePath: `/${urn}${e.instancePath}` }));
    return toConcurMessages(errors, { [urn]: data });
  }

  hasExtension(urn: string): boolean {
    return this.extensionValidators.has(urn);
  }
}
