/**
 * The create-time check of a webhook's URL. It refuses what can be refused from the text alone — the
 * scheme, credentials, a fragment, the port, and a host that is an IP literal in a forbidden range —
 * so the owner hears about it at once (a 400). It cannot judge a host name: that is done on every
 * delivery, after DNS, by the attempt itself.
 *
 * IPv4 hosts written as one integer, in octal or in hex (`http://2130706433/`, `http://0x7f.1/`)
 * need no code here: the WHATWG URL parser, which Node's http client also uses, rewrites them to a
 * dotted quad, and the guard judges that.
 */
import { classifyAddress, describeCategory } from './address-guard.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface WebhookUrlOptions {
  /** Deployed stacks: true. The local stack may deliver over plain http. */
  readonly requireHttps: boolean;
  /** The local stack only: 127.0.0.0/8, ::1 and `localhost` are allowed hosts. */
  readonly allowLoopback: boolean;
}

/** `reason` is a predicate to put after the field's name ("url must use https"). */
export type WebhookUrlCheck =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function checkWebhookUrl(raw: string, options: WebhookUrlOptions): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  // The URL parser silently drops tabs and newlines and trims spaces; refuse them instead, so the
  // stored URL is exactly what the owner typed.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(raw)) return refuse('must not contain spaces or control characters');
  if (!URL.canParse(raw)) return refuse('must be an absolute URL');
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !options.requireHttps)) {
    return refuse(options.requireHttps ? 'must use https' : 'must use http or https');
  }
  if (url.username !== '' || url.password !== '') return refuse('must not contain credentials');
  if (raw.includes('#')) return refuse('must not contain a fragment');
  if (url.port === '0') return refuse('must have a port between 1 and 65535');
  const hostProblem = hostProblemOf(url.hostname, options.allowLoopback);
  return hostProblem === undefined ? { ok: true, url: url.href } : refuse(hostProblem);
}

function hostProblemOf(hostname: string, allowLoopback: boolean): string | undefined {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (hostname.startsWith('[') || DOTTED_QUAD.test(hostname)) {
    const verdict = classifyAddress(literal, { allowLoopback });
    return verdict.allowed ? undefined : `must not point to ${describeCategory(verdict.category)}`;
  }
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  // RFC 6761: localhost and every name under it are loopback, whatever DNS says.
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return allowLoopback ? undefined : 'must not point to a loopback address';
  }
  // A single label (`metadata`, `intranet`) only resolves through search domains: an internal name.
  if (!name.includes('.')) return 'must have a fully qualified host name';
  return undefined;
}

function refuse(reason: string): WebhookUrlCheck {
  return { ok: false, reason };
}
