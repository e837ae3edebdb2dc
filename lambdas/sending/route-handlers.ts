import type { ServiceRoutes } from '../http/frame.js';
import { answerPage } from '../http/paging.js';
import { listBroadcastEmails } from './broadcast-emails.js';
import { prepareEmailBatch, sendEmailBatch } from './batch.js';
import { SENDING_CONTRACTS } from './contracts.js';
import { listEmailEvents } from './email-events-store.js';
import { emailJson, getEmail, listEmails } from './email-store.js';
import { type SendingDependencies, sendEmail } from './emails.js';
import { type MessagingDependencies, sendSms, sendWhatsapp } from '../messaging/messages.js';
import { cancelEmail, rescheduleEmail } from './schedule.js';
import { resendSendingHandlers, type SendingV1Handlers } from './resend-adapter.js';
import { sendgridSendingHandlers } from './sendgrid-adapter.js';

/** Emails, SMS and WhatsApp: one Lambda (docs/architecture.md, "Shape"). */
export type SendingServiceDependencies = SendingDependencies & MessagingDependencies;

export function sendingRoutes(deps: SendingServiceDependencies): ServiceRoutes<typeof SENDING_CONTRACTS> {
  // SMS and WhatsApp keys are claimed by the frame; emails claim their own (./idempotency.ts).
  const v1 = sendingHandlers(deps);
  // Each surface's adapter serves its routes through the /v1 handlers (./resend-adapter.ts,
  // ./sendgrid-adapter.ts, whose sandbox mode runs the batch's checks alone).
  return {
    contracts: SENDING_CONTRACTS,
    handlers: {
      ...v1,
      ...resendSendingHandlers(v1, deps),
      ...sendgridSendingHandlers(v1, (auth, emails) => prepareEmailBatch(deps, auth, emails)),
    },
    idempotency: deps,
  };
}

function sendingHandlers(deps: SendingServiceDependencies): SendingV1Handlers {
  return {
    sendSms: ({ auth, body }) => sendSms(deps, auth, body),
    sendWhatsapp: ({ auth, body }) => sendWhatsapp(deps, auth, body),
    sendEmail: async ({ auth, body, headers, markReplayed }) => {
      const result = await sendEmail(deps, auth, body, headers['idempotency-key']);
      if (result.replayed) markReplayed();
      return { id: result.id };
    },
    sendEmailBatch: async ({ auth, body, headers, markReplayed }) => {
      const ids = await sendEmailBatch(deps, auth, body, headers['idempotency-key'], markReplayed);
      return { data: ids.map((id) => ({ id })) };
    },
    listEmails: ({ auth, query: { broadcast_id: broadcastId, ...query } }) =>
      broadcastId === undefined
        ? answerPage(deps, { projectId: auth.projectId, routeId: 'listEmails' }, query, async (page) => {
            const { emails, nextAfter } = await listEmails(deps, auth.projectId, page);
            return { items: emails.map(emailJson), nextAfter };
          })
        : // A cursor of one broadcast's emails is bound to that broadcast.
          answerPage(
            deps,
            { projectId: auth.projectId, routeId: `listEmails/${broadcastId}` },
            query,
            async (page) => {
              const { emails, nextAfter } = await listBroadcastEmails(
                deps,
                auth.projectId,
                broadcastId,
                page,
              );
              return { items: emails.map(emailJson), nextAfter };
            },
          ),
    getEmail: async ({ auth, params }) => emailJson(await getEmail(deps, auth.projectId, params.id)),
    rescheduleEmail: async ({ auth, params, body }) =>
      emailJson(await rescheduleEmail(deps, auth, params.id, body.scheduled_at)),
    cancelEmail: async ({ auth, params }) => emailJson(await cancelEmail(deps, auth, params.id)),
    listEmailEvents: async ({ auth, params, query }) => {
      // The email first: another project's email, or none, answers 404 before any event is read.
      const email = await getEmail(deps, auth.projectId, params.id);
      const ref = { projectId: auth.projectId, emailId: email.id };
      return answerPage(
        deps,
        { projectId: auth.projectId, routeId: 'listEmailEvents' },
        query,
        async (page) => {
          const { events, nextAfter } = await listEmailEvents(deps, ref, page);
          const items = events.map((event) => ({
            type: event.type,
            created_at: event.occurredAt,
            details: event.details,
          }));
          return { items, nextAfter };
        },
      );
    },
  };
}
