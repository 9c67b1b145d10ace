/** URNs, demo defaults and limits the simulator shares across its parts. */
export const URN_CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const URN_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const URN_SAP = 'urn:ietf:params:scim:schemas:extension:sap:2.0:User';
export const URN_SETTINGS = 'urn:ietf:params:scim:schemas:extension:settings:2.0:User';
export const URN_SPEND = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
export const URN_TRAVEL = 'urn:ietf:params:scim:schemas:extension:travel:2.0:User';
export const URN_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const URN_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const URN_SEARCH = 'urn:ietf:params:scim:api:messages:concur:2.0:SearchRequest';
export const URN_BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const URN_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const URN_CONCUR_ERROR = 'urn:ietf:params:scim:api:messages:concur:2.0:Error';
export const URN_PROVISION_STATUS = 'urn:ietf:params:scim:schemas:extension:concur:2.0:Provision:Status';

/** Every schema URN that may prefix an attribute path, longest first so prefix matching is greedy. */
export const KNOWN_SCHEMA_URNS = [
  URN_ENTERPRISE,
  URN_SETTINGS,
  URN_TRAVEL,
  URN_SPEND,
  URN_CORE,
  URN_SAP,
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:Payroll',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Approver',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Delegate',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:Role',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:UserPreference',
  'urn:ietf:params:scim:schemas:extension:spend:2.0:WorkflowPreference',
].sort((a, b) => b.length - a.length);

/** UPS-only extensions: stored on the user, not part of the Identity v4.1 representation. */
export const UPS_EXTENSION_URNS = KNOWN_SCHEMA_URNS.filter((u) => u.includes(':spend:') || u.includes(':travel:') || u.endsWith(':Payroll'));

export const IDENTITY_BASE = '/profile/identity/v4.1';
export const UPS_BASE = '/profile/v4';
export const LEGACY_V1_BASE = '/api/user/v1.0';

/** Fixed demo tenant: a stable UUID so configs and docs can name it. */
export const DEMO_COMPANY_ID = 'f0a1b2c3-d4e5-4f60-8a71-9b8c7d6e5f40';
export const DEMO_TOKEN = 'outbound-demo-token';
export const DEMO_CLIENT_ID = 'demo-client';
export const DEMO_CLIENT_SECRET = 'demo-secret';
export const DEMO_REQUEST_TOKEN = 'demo-company-request-token';
export const DEMO_REFRESH_TOKEN = 'demo-refresh-token';

/** Concur's published scopes (digest §3.1, §4). */
export const SCOPES = {
  idsRead: 'identity.user.ids.read',
  coreRead: 'identity.user.core.read',
  coreSensitiveRead: 'identity.user.coresensitive.read',
  enterpriseRead: 'identity.user.enterprise.read',
  sapRead: 'identity.user.sap.read',
  coreEnterpriseWrite: 'identity.user.coreenterprise.writeonly',
  externalIdWrite: 'identity.user.externalID.writeonly',
  emailsVerifiedWrite: 'identity.user.emails.verified.writeonly',
  sapWrite: 'identity.user.sap.writeonly',
  delete: 'identity.user.delete',
  provisionWrite: 'user.provision.write',
  provisionRead: 'user.provision.read',
  spendWrite: 'spend.user.general.writeonly',
  spendRead: 'spend.user.general.read',
  travelRead: 'travel.user.general.read',
  /** The legacy v1 "Users – Add or Update User Accounts" permission. */
  legacyUser: 'USER',
} as const;

export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

/** Limits from the digest (§3.5, §4.1, §6.3). */
export const LIMITS = {
  maxPageSize: 1000,
  defaultPageSize: 100,
  bulkMaxOperations: 100,
  bulkMaxBytes: 400 * 1024,
  legacyMaxBatch: 500,
  maxBodyBytes: 2 * 1024 * 1024,
} as const;
