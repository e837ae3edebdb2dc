/**
 * Scopes and permission presets (docs/architecture.md, "The key model"). Data, not branches: every other module loops over
 * these tables, so adding a scope is one line here.
 */

export const GENERAL_SCOPES = {
  'emails:send': 'Send emails',
  'emails:read': 'List and retrieve sent emails and their events',
  'templates:read': 'List and retrieve templates',
  'templates:write': 'Create, update and delete templates',
  'domains:read': 'List and retrieve sending domains',
  'domains:write': 'Create, verify and delete sending domains',
  'webhooks:read': 'List and retrieve webhooks',
  'webhooks:write': 'Create, update and delete webhooks',
  'projects:read': 'List projects',
  'sms:send': 'Send SMS messages',
  'whatsapp:send': 'Send WhatsApp messages',
  'audience:read': 'List and retrieve contacts, lists and segments',
  'audience:write': 'Create, update and delete contacts, lists and segments',
  'broadcasts:read': 'List and retrieve broadcasts and their recipients',
  'broadcasts:write': 'Create, send, schedule, cancel and delete broadcasts',
  'suppressions:read': "List the project's suppressed addresses",
  'suppressions:write': 'Add and remove suppressed addresses',
} as const;

export const BILLING_SCOPES = {
  'billing:read': 'Read invoices and usage',
  'billing:write': 'Change the plan and payment details',
} as const;

export type GeneralScope = keyof typeof GENERAL_SCOPES;
export type BillingScope = keyof typeof BILLING_SCOPES;
export type Scope = GeneralScope | BillingScope;

export const KEY_TYPES = ['general', 'billing'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const PERMISSIONS = ['full_access', 'sending_only', 'custom'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const generalScopeList = Object.keys(GENERAL_SCOPES) as GeneralScope[];
const billingScopeList = Object.keys(BILLING_SCOPES) as BillingScope[];

/** The scopes a key of each type may ever hold: general keys never hold billing scopes. */
export const SCOPES_BY_KEY_TYPE: Readonly<Record<KeyType, readonly Scope[]>> = {
  general: generalScopeList,
  billing: billingScopeList,
};

/** Presets resolved per key type; `custom` is resolved from the key's own scope list. */
const PRESETS: Readonly<Record<KeyType, Record<Exclude<Permission, 'custom'>, readonly Scope[]>>> = {
  general: {
    full_access: generalScopeList,
    sending_only: ['emails:send', 'sms:send', 'whatsapp:send'],
  },
  billing: {
    full_access: billingScopeList,
    sending_only: [],
  },
};

export function isScopeOf(type: KeyType, value: string): value is Scope {
  return (SCOPES_BY_KEY_TYPE[type] as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/**
 * The scopes a key actually holds. A `custom` key holds exactly its listed scopes that are valid for
 * its type — an empty list holds nothing (never "everything").
 */
export function effectiveScopes(
  type: KeyType,
  permission: Permission,
  customScopes: readonly Scope[],
): Scope[] {
  if (permission === 'custom') {
    return [...new Set(customScopes.filter((scope) => isScopeOf(type, scope)))];
  }
  return [...PRESETS[type][permission]];
}

/** Splits raw scope entries into valid scopes (trimmed, lower-cased) and the ignored rest. */
export function normaliseScopes(
  type: KeyType,
  raw: readonly string[],
): { scopes: Scope[]; unknown: string[] } {
  const scopes = new Set<Scope>();
  const unknown: string[] = [];
  for (const entry of raw) {
    const value = entry.trim().toLowerCase();
    if (value === '') continue;
    if (isScopeOf(type, value)) scopes.add(value);
    else unknown.push(entry);
  }
  return { scopes: [...scopes], unknown };
}
