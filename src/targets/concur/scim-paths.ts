/**
 * Mapping field names (Outbound's catalogue, src/domain/concur-fields.ts) → SCIM PATCH paths.
 *
 * | field name               | SCIM path                                                                 |
 * |--------------------------|---------------------------------------------------------------------------|
 * | `title`, `active`, ...   | `title` (core attributes need no URN prefix)                              |
 * | `name.middleName`        | `name.middleName`                                                         |
 * | `emails.work`            | `emails[type eq "work"].value`                                            |
 * | `phoneNumbers.mobile`    | `phoneNumbers[type eq "mobile"].value`                                    |
 * | `addresses.work.locality`| `addresses[type eq "work"].locality`                                      |
 * | `costCenter`             | `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`   |
 * | `manager.employeeNumber` | `urn:…:enterprise:2.0:User:manager` (sent as `{value: <manager UUID>}`)   |
 * | `spend.ledgerCode`       | `urn:ietf:params:scim:schemas:extension:spend:2.0:User:ledgerCode`        |
 * | `spend.custom3`          | `urn:…:spend:2.0:User:customData[id eq "custom3"].value`                  |
 * | `travel.ruleClass`       | `urn:ietf:params:scim:schemas:extension:travel:2.0:User:ruleClass.name`   |
 *
 * Removal paths differ for typed list entries: clearing `phoneNumbers.mobile` removes the whole
 * `phoneNumbers[type eq "mobile"]` entry, since Concur requires a value on every entry.
 */
import { concurField, type ConcurFieldDef } from '../../domain/concur-fields';
import { SCHEMA_CORE, SCHEMA_ENTERPRISE } from '../../domain/concur-user';
import { ConcurDataError } from './concur-errors';

function requireField(name: string): ConcurFieldDef {
  const def = concurField(name);
  if (!def) throw new ConcurDataError('UNKNOWN_FIELD', `${name} is not a Concur field Outbound knows`, { field: name });
  return def;
}

function qualify(def: ConcurFieldDef, path: string): string {
  return def.schema === SCHEMA_CORE ? path : `${def.schema}:${path}`;
}

/** The SCIM path a field's value is replaced at (PATCH `replace`/`add`). */
export function concurFieldScimPath(name: string): string {
  const def = requireField(name);
  // Concur identifies the manager by UUID (`manager.value` is required); the connector resolves it.
  if (def.target.kind === 'manager') return `${SCHEMA_ENTERPRISE}:manager`;
  return qualify(def, def.scimPath);
}

/** The SCIM path a field is cleared with (PATCH `remove`). */
export function concurFieldRemovalPath(name: string): string {
  const def = requireField(name);
  switch (def.target.kind) {
    case 'email':
    case 'phone':
    case 'spendCustom':
      // `emails[type eq "work"].value` → `emails[type eq "work"]`: the entry goes with its value.
      return qualify(def, def.scimPath.replace(/\.value$/, ''));
    case 'manager':
      return `${SCHEMA_ENTERPRISE}:manager`;
    default:
      return qualify(def, def.scimPath);
  }
}

/** A SCIM filter string literal: quotes and backslashes escaped (RFC 7644 §3.4.2.2 uses JSON strings). */
export function scimString(value: string): string {
  return JSON.stringify(value);
}
