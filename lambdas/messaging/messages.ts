/**
 * Sending an SMS or a WhatsApp message, in the order every send keeps: validate (the contract, the
 * channel's configuration, the origination identity) → the monthly quota step → record the message
 * (`queued`) and call the provider (a message that is not sent is given back to the quota) → answer. The record exists before the provider is called; a
 * message the provider refuses is marked `failed` and answers the error; once the provider has
 * accepted it the request succeeds, whatever the bookkeeping after it does (a retry would send it
 * again). The Idempotency-Key is claimed by the handler frame (the contracts are idempotent).
 */
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError } from '../api/errors.js';
import { describeError } from '../keys/redaction.js';
import { newId } from '../shared/ids.js';
import { type Reservation, releaseSends, reserveSends } from '../shared/quota-store.js';
import type { SendSmsInput, SendWhatsappInput } from './message-schemas.js';
import {
  CHANNELS,
  markMessageFailed,
  markMessageSent,
  type MessageRecord,
  type MessageStore,
  putMessage,
} from './message-store.js';
import {
  originationFor,
  requireSmsChannel,
  requireWhatsappChannel,
  type SmsChannel,
  type WhatsappChannel,
} from './messaging-channels.js';
import { smsSegments } from './sms-segments.js';
import { whatsappMessageJson } from './whatsapp-sender.js';

export interface MessagingDependencies extends MessageStore {
  readonly now: () => Date;
  /** Absent: the channel is not configured (503 channel_not_configured). */
  readonly sms?: SmsChannel | undefined;
  readonly whatsapp?: WhatsappChannel | undefined;
  readonly log?: { warn(message: string, ...extra: Record<string, unknown>[]): void };
}

export async function sendSms(
  deps: MessagingDependencies,
  auth: AuthContext,
  input: SendSmsInput,
): Promise<{ id: string }> {
  const channel = requireSmsChannel(deps.sms);
  const originationIdentity = originationFor(channel, input.from);
  const reservation = await reserveOne(deps, auth, 'sms');
  const messageType = input.type ?? 'transactional';
  const { encoding, segments } = smsSegments(input.body);
  const record = newRecord(deps, auth, 'sms', input.to, {
    from: originationIdentity,
    messageType,
    encoding,
    segments,
  });
  return recordAndSend(deps, record, reservation, () =>
    channel.send({ to: input.to, body: input.body, originationIdentity, messageType }),
  );
}

export async function sendWhatsapp(
  deps: MessagingDependencies,
  auth: AuthContext,
  input: SendWhatsappInput,
): Promise<{ id: string }> {
  const channel = requireWhatsappChannel(deps.whatsapp);
  const reservation = await reserveOne(deps, auth, 'whatsapp');
  const record = newRecord(deps, auth, 'whatsapp', input.to, {
    kind: input.template ? 'template' : 'text',
    ...(input.template ? { templateName: input.template.name } : {}),
  });
  return recordAndSend(deps, record, reservation, () =>
    channel.send({ phoneNumberId: channel.phoneNumberId, message: whatsappMessageJson(input) }),
  );
}

function newRecord(
  deps: MessagingDependencies,
  auth: AuthContext,
  channel: MessageRecord['channel'],
  to: string,
  details: Partial<MessageRecord>,
): MessageRecord {
  const now = deps.now().toISOString();
  return {
    ...details,
    id: newId(CHANNELS[channel].idPrefix, deps.now()),
    channel,
    projectId: auth.projectId,
    keyId: auth.keyId,
    to,
    status: 'queued',
    createdAt: now,
    updatedAt: now,
  };
}

/** One message counted against the team's monthly cap for the channel (429 quota_exceeded past it). */
function reserveOne(
  deps: MessagingDependencies,
  auth: AuthContext,
  channel: 'sms' | 'whatsapp',
): Promise<Reservation> {
  return reserveSends(deps, {
    teamId: auth.teamId,
    projectId: auth.projectId,
    channel,
    count: 1,
    now: deps.now(),
  });
}

async function recordAndSend(
  deps: MessagingDependencies,
  record: MessageRecord,
  reservation: Reservation,
  send: () => Promise<string>,
): Promise<{ id: string }> {
  let providerMessageId: string;
  try {
    await putMessage(deps, record);
    providerMessageId = await send();
  } catch (error) {
    const reason = error instanceof ApiError ? error.code : 'internal_error';
    await markMessageFailed(deps, record, reason, deps.now()).catch(() => undefined);
    // Not sent: the message no longer counts against the cap.
    await releaseSends(deps, reservation).catch((releaseError: unknown) =>
      deps.log?.warn('an unsent message stays counted against the monthly cap', {
        messageId: record.id,
        error: describeError(releaseError),
      }),
    );
    throw error;
  }
  await markMessageSent(deps, record, providerMessageId, deps.now()).catch((error: unknown) =>
    deps.log?.warn('message sent but its record was not updated', {
      messageId: record.id,
      error: describeError(error),
    }),
  );
  return { id: record.id };
}
