/**
 * `GET` and `POST /u/{token}`: the public unsubscribe pages, served without a key or the authorizer
 * (like the dashboard's files). They are not rows of the route table, whose every row is guarded by
 * a scope or a permission: UNSUBSCRIBE_PAGES (./paths.ts) lists them for the CDK stack and the local
 * gateway.
 *
 * - GET answers the confirm page and changes nothing: mail scanners prefetch links.
 * - POST with RFC 8058's body `List-Unsubscribe=One-Click` (a mail client's one-click) or with the
 *   page's form unsubscribes (./unsubscribe.ts) and answers 200: plain text to the mail client, a
 *   page to the form.
 * - A token this stack did not sign, or whose contact is gone, is 404 for both.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { findContact } from '../audience/contacts.js';
import { stackSecret } from '../http/cursor-secret.js';
import { describeError } from '../keys/redaction.js';
import { badRequestPage, confirmPage, donePage, notFoundPage, type PageResult, text } from './page.js';
import { readUnsubscribeToken, type UnsubscribeSubject } from './token.js';
import { unsubscribe, type UnsubscribeDependencies } from './unsubscribe.js';

export interface PagesLog {
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

type PostKind = 'one_click' | 'form' | 'unknown';

/** RFC 8058's one-click body, or the confirm page's form; anything else is not an unsubscribe. */
export function postKindOf(body: string): PostKind {
  const fields = new URLSearchParams(body);
  if (fields.get('List-Unsubscribe') === 'One-Click') return 'one_click';
  if (fields.get('confirm') === 'unsubscribe') return 'form';
  return 'unknown';
}

export function unsubscribePagesHandler(
  deps: UnsubscribeDependencies,
  log: PagesLog,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    const method = event.httpMethod.toUpperCase();
    const kind = method === 'POST' ? postKindOf(bodyOf(event)) : undefined;
    try {
      return await answer(deps, method, kind, event.pathParameters?.token ?? '');
    } catch (error) {
      log.error('unsubscribe page failed', { error: describeError(error) });
      // Nothing about the failure reaches the page.
      return text(500, 'Internal error.');
    }
  };
}

async function answer(
  deps: UnsubscribeDependencies,
  method: string,
  kind: PostKind | undefined,
  token: string,
): Promise<PageResult> {
  const subject = await subjectOf(deps, token);
  const notFound = () => (kind === 'one_click' ? text(404, 'Not found.') : notFoundPage());
  if (method === 'GET') {
    if (!subject || !(await findContact(deps, subject.projectId, subject.contactId))) return notFound();
    return confirmPage();
  }
  if (method !== 'POST') return text(405, 'Method not allowed.');
  if (!subject) return notFound();
  if (kind === 'unknown') return badRequestPage();
  if ((await unsubscribe(deps, subject)) === 'not_found') return notFound();
  return kind === 'one_click' ? text(200, 'Unsubscribed.') : donePage();
}

async function subjectOf(
  deps: UnsubscribeDependencies,
  token: string,
): Promise<UnsubscribeSubject | undefined> {
  if (token === '') return undefined;
  return readUnsubscribeToken(await stackSecret(deps, 'UNSUBSCRIBE_SECRET'), token);
}

function bodyOf(event: APIGatewayProxyEvent): string {
  if (event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
