/**
 * The names a broadcast adds to any template's own variables: `unsubscribe_url` and `contact.*`.
 * No imports: the templates service accepts these names at save time through this module alone.
 */
export const UNSUBSCRIBE_URL = 'unsubscribe_url';
const CONTACT_FIELDS = new Set(['id', 'email', 'first_name', 'last_name', 'phone']);
const PROPERTY_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function isBroadcastName(name: string): boolean {
  if (name === UNSUBSCRIBE_URL) return true;
  const [head, field, property, ...rest] = name.split('.');
  if (head !== 'contact' || field === undefined || rest.length > 0) return false;
  if (property === undefined) return CONTACT_FIELDS.has(field);
  return field === 'properties' && PROPERTY_NAME.test(property);
}
