/**
 * The Resend surface of the sending service: each `/resend/*` route maps Resend's request to the
 * `/v1` route it stands for, calls that route's handler — every rule, check and idempotency claim is
 * the `/v1` one — and maps the answer back to Resend's shape (docs/architecture.md, "API surfaces").
 */
import type { ServiceHandlers } from '../http/frame.js';
import type { RESEND_SENDING_CONTRACTS, SENDGRID_SENDING_CONTRACTS, SENDING_CONTRACTS } from './contracts.js';

/** The `/v1` handlers the surfaces' adapters call. */
export type SendingV1Handlers = ServiceHandlers<
  Omit<
    typeof SENDING_CONTRACTS,
    keyof typeof RESEND_SENDING_CONTRACTS | keyof typeof SENDGRID_SENDING_CONTRACTS
  >
>;

export function resendSendingHandlers(
  v1: SendingV1Handlers,
): ServiceHandlers<typeof RESEND_SENDING_CONTRACTS> {
  return {
    // Resend's send is /v1's field for field (parsed by the same schema); its answer `{id}` too.
    resendSendEmail: (request) => v1.sendEmail({ ...request }),
  };
}
