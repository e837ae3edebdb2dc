import { type RouteHandler, validate } from '../core/http.js';
import { routeKey } from '../core/routes.js';
import { idempotencyHeadersSchema, listEmailsQuerySchema, sendEmailSchema } from './email-schema.js';
import { emailJson, getEmail, listEmails } from './email-store.js';
import { type SendingDependencies, sendEmail } from './emails.js';

export function sendingRoutes(deps: SendingDependencies): Record<string, RouteHandler> {
  return {
    [routeKey('POST', '/v1/emails')]: async ({ auth, body, headers }) => {
      const input = validate(sendEmailSchema, body);
      const { 'idempotency-key': idempotencyKey } = validate(idempotencyHeadersSchema, headers);
      const result = await sendEmail(deps, auth, input, idempotencyKey);
      return { status: 200, body: { id: result.id } };
    },
    [routeKey('GET', '/v1/emails')]: async ({ auth, query }) => {
      const page = validate(listEmailsQuerySchema, query);
      const { emails, nextCursor } = await listEmails(deps, auth.projectId, page);
      return {
        status: 200,
        body: {
          object: 'list',
          data: emails.map(emailJson),
          has_more: nextCursor !== undefined,
          next_cursor: nextCursor ?? null,
        },
      };
    },
    [routeKey('GET', '/v1/emails/{id}')]: async ({ auth, pathParameters }) => {
      const email = await getEmail(deps, auth.projectId, pathParameters.id ?? '');
      return { status: 200, body: emailJson(email) };
    },
  };
}
