/**
 * Which calls the audit log records and what it names them, derived from the route table alone so a
 * route added by any service is audited without a second list to keep in step: every route that is
 * not a GET, named `<resource>.<verb>`.
 *
 * The resource is the path's first segment after `/v1`, singular, with `_` for `-` (`api-keys` →
 * `api_key`, `sms` stays `sms`); the verb is the route id with that resource's words taken out, in
 * snake case (`rotateWebhookSecret` → `webhook.rotate_secret`, `verifyDomain` → `domain.verify`,
 * `sendEmailBatch` → `email.send_batch`, `addListContact` → `list.add_contact`). A unit test holds
 * every row's action and checks that no two routes share one.
 */
import { type Route, v1RouteOf } from '../api/routes.js';

/** True for the routes the audit log records: every one that can change something. */
export function isAudited(route: Pick<Route, 'method'>): boolean {
  return route.method !== 'GET';
}

/** A Resend or SendGrid route records the action of the /v1 route it stands for (`email.send`). */
export function auditAction(route: Pick<Route, 'id' | 'method' | 'path' | 'standsFor'>): string {
  return v1Action(route.standsFor === undefined ? route : v1RouteOf(route));
}

function v1Action(route: Pick<Route, 'id' | 'method' | 'path'>): string {
  const segment = route.path.split('/').filter((part) => part !== '')[1] ?? route.path;
  const plural = segment.toLowerCase().replace(/-/g, '_');
  for (const resource of [plural.replace(/s$/, ''), plural]) {
    const letters = resource.replace(/_/g, '');
    const at = wordsAt(route.id, letters);
    if (at !== undefined) {
      const verb = route.id.slice(0, at) + capitalise(route.id.slice(at + letters.length));
      return `${resource}.${snakeCase(verb) || route.method.toLowerCase()}`;
    }
  }
  return `${plural.replace(/s$/, '')}.${snakeCase(route.id)}`;
}

/** Where `letters` stand in the camel-case id as whole words (`Sms` in `sendSms`, not `sm`). */
function wordsAt(id: string, letters: string): number | undefined {
  if (letters === '') return undefined;
  const lower = id.toLowerCase();
  const isWordStart = (index: number) => index === 0 || /[A-Z]/.test(id.charAt(index));
  for (let at = lower.indexOf(letters); at >= 0; at = lower.indexOf(letters, at + 1)) {
    if (isWordStart(at) && (at + letters.length === id.length || isWordStart(at + letters.length))) return at;
  }
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function snakeCase(camel: string): string {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
}
