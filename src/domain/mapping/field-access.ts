import type { FieldTarget } from '../concur-fields';
import type { DesiredConcurUser } from '../concur-user';

/** A converted field value: text, a boolean, or the values of a multi-valued field. */
export type FieldValue = string | boolean | string[];

/** A user with nothing mapped yet; required parts are empty and caught by validation. */
export function emptyDesiredUser(companyId?: string): DesiredConcurUser {
  return {
    identity: {
      userName: '',
      active: true,
      name: { givenName: '', familyName: '' },
      emails: [],
      enterprise: companyId === undefined ? {} : { companyId },
    },
    clear: [],
    createOnly: [],
  };
}

type Bag = Record<string, unknown>;

/** Writes one field's value where Concur expects it (targets come from the catalogue only). */
export function setFieldValue(user: DesiredConcurUser, target: FieldTarget, value: FieldValue): void {
  const identity = user.identity;
  switch (target.kind) {
    case 'core':
      (identity as unknown as Bag)[target.key] = value;
      return;
    case 'name':
      (identity.name as Bag)[target.key] = value;
      return;
    case 'email':
      identity.emails.push({ type: target.type, value: value as string });
      return;
    case 'phone':
      (identity.phoneNumbers ??= []).push({ type: target.type, value: value as string });
      return;
    case 'address': {
      const addresses = (identity.addresses ??= []);
      let address = addresses.find((a) => a.type === target.type);
      if (!address) addresses.push((address = { type: target.type }));
      address[target.part] = value as string;
      return;
    }
    case 'enterprise':
      (identity.enterprise as Bag)[target.key] = value;
      return;
    case 'manager':
      (identity.enterprise.manager ??= {}).employeeNumber = value as string;
      return;
    case 'spend':
      ((user.spend ??= {}) as Bag)[target.key] = value;
      return;
    case 'spendCustom':
      ((user.spend ??= {}).customData ??= []).push({ id: target.id, value: value as string });
      return;
    case 'travel':
      (user.travel ??= {})[target.key] = value as string;
      return;
    case 'ruleClass':
      ((user.travel ??= {}).ruleClass ??= {})[target.key] = value as string;
      return;
  }
}

/** Reads one field's value back (the first entry of its type for typed arrays). */
export function getFieldValue(user: DesiredConcurUser, target: FieldTarget): unknown {
  const identity = user.identity;
  switch (target.kind) {
    case 'core':
      return own(identity, target.key);
    case 'name':
      return own(identity.name, target.key);
    case 'email':
      return identity.emails?.find((e) => e.type === target.type)?.value;
    case 'phone':
      return identity.phoneNumbers?.find((p) => p.type === target.type)?.value;
    case 'address':
      return own(identity.addresses?.find((a) => a.type === target.type), target.part);
    case 'enterprise':
      return own(identity.enterprise, target.key);
    case 'manager':
      return identity.enterprise?.manager?.employeeNumber;
    case 'spend':
      return own(user.spend, target.key);
    case 'spendCustom':
      return user.spend?.customData?.find((c) => c.id === target.id)?.value;
    case 'travel':
      return own(user.travel, target.key);
    case 'ruleClass':
      return own(user.travel?.ruleClass, target.key);
  }
}

function own(obj: object | undefined, key: string): unknown {
  return obj !== undefined && obj !== null && Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Bag)[key] : undefined;
}
