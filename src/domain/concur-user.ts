/**
 * Concur user shapes as Outbound produces them, following SAP's Identity v4.1 and UPS v4 OpenAPI
 * descriptions. Only what the engine writes is typed; the wire
 * format is built from these by the connector.
 */
export const SCHEMA_CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
export const SCHEMA_TRAVEL = 'urn:ietf:params:scim:schemas:extension:travel:2.0:User';
export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type EmailType = 'work' | 'home' | 'work2' | 'other' | 'other2';
export type PhoneType = 'work' | 'home' | 'mobile' | 'fax' | 'pager' | 'other' | 'work2';

export interface ConcurEnterpriseFields {
  companyId?: string;
  employeeNumber?: string;
  costCenter?: string;
  division?: string;
  department?: string;
  legalEntity?: string;
  startDate?: string;
  terminationDate?: string;
  manager?: { value?: string; employeeNumber?: string };
}

/** Identity v4.1 user attributes that Outbound manages (request form, no read-only fields). */
export interface ConcurIdentityUser {
  userName: string;
  active: boolean;
  externalId?: string;
  displayName?: string;
  nickName?: string;
  title?: string;
  preferredLanguage?: string;
  timezone?: string;
  dateOfBirth?: string;
  name: {
    givenName: string;
    familyName: string;
    middleName?: string;
    honorificPrefix?: string;
    honorificSuffix?: string;
  };
  emails: Array<{ type: EmailType; value: string }>;
  phoneNumbers?: Array<{ type: PhoneType; value: string }>;
  addresses?: Array<{
    type: 'work' | 'home' | 'other' | 'billing' | 'bank' | 'shipping';
    streetAddress?: string;
    locality?: string;
    region?: string;
    postalCode?: string;
    country?: string;
  }>;
  /**
   * Products enabled for the user (request-only in Identity v4.1). The modern equivalent of the
   * v1/PingFederate flags expenseUser, tripUser and invoiceUser (V1MAP).
   */
  entitlements?: string[];
  enterprise: ConcurEnterpriseFields;
}

/** UPS v4 Spend extension (PingFederate's ledgerKey, crnKey, ctryCode, localeName, customN, orgUnitN). */
export interface ConcurSpendFields {
  reimbursementCurrency?: string;
  country?: string;
  stateProvince?: string;
  locale?: string;
  ledgerCode?: string;
  cashAdvanceAccountCode?: string;
  reimbursementType?: 'ACCOUNTS_PAYABLE' | 'ADP_PAYROLL' | 'CONCUR_PAY' | 'OTHER';
  budgetCountryCode?: string;
  testEmployee?: boolean;
  nonEmployee?: boolean;
  customData?: Array<{ id: string; value: string }>;
}

export interface ConcurTravelFields {
  ruleClass?: { id?: string; name?: string };
  travelCrsName?: string;
  travelNameRemark?: string;
}

/** What the mapping engine produces for one source entry: the desired Concur state. */
export interface DesiredConcurUser {
  identity: ConcurIdentityUser;
  spend?: ConcurSpendFields;
  travel?: ConcurTravelFields;
  /**
   * Field paths (the mapping's Concur field names) whose mapping has clear-when-empty set and
   * whose source value is empty: the connector sends a removal for them on update.
   */
  clear: string[];
  /** Field paths that are create-only: omitted from updates. */
  createOnly: string[];
}
