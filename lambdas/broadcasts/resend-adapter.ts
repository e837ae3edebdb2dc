/**
 * The Resend surface of the broadcasts service: each `/resend/broadcasts*` route maps Resend's request
 * onto the `/v1` route it stands for and calls that route's handler — the same drafts, checks,
 * sending, scheduling and exactly-once recipients — then answers Resend's shape (docs/architecture.md,
 * "API surfaces"). Resend's segments are fixed groups, which scopegate calls lists; a `seg_…` id is a
 * scopegate segment. Resend's `{{{FIRST_NAME}}}`-style placeholders are read as the contact fields
 * scopegate renders for each recipient (docs/migrating/resend-broadcasts-suppressions.md).
 */
import { ApiError, unsupportedParameter } from '../api/errors.js';
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage, projectPageOf } from '../http/resend-paging.js';
import { isIdOf } from '../shared/ids.js';
import { BROADCAST_ID_PREFIX, RECIPIENT_PREFIX } from '../shared/broadcast-recipients.js';
import { normaliseAddress } from '../suppressions/address.js';
import { BROADCAST_PREFIX, getBroadcast, listBroadcasts } from './broadcast-store.js';
import { type BroadcastServiceDependencies, recipientsPage } from './broadcasts.js';
import type {
  BroadcastJson,
  BROADCASTS_CONTRACTS,
  CreateBroadcastInput,
  RecipientJson,
  RESEND_BROADCASTS_CONTRACTS,
  RESEND_RECIPIENT_TYPES,
  ResendBroadcastJson,
  ResendCreateBroadcastInput,
  ResendUpdateBroadcastInput,
  UpdateBroadcastInput,
} from './contracts.js';
import { broadcastJson } from './broadcast-store.js';
import { RECIPIENT_STATUSES, type RecipientStatus } from './state.js';

/** The `/v1` handlers the adapter calls. */
export type BroadcastsV1Handlers = ServiceHandlers<
  Omit<typeof BROADCASTS_CONTRACTS, keyof typeof RESEND_BROADCASTS_CONTRACTS>
>;

/** Resend's named placeholders and the contact field each stands for. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  FIRST_NAME: 'contact.first_name',
  LAST_NAME: 'contact.last_name',
  EMAIL: 'contact.email',
  RESEND_UNSUBSCRIBE_URL: 'unsubscribe_url',
};
const PLACEHOLDER = /\{\{\{\s*([A-Za-z0-9_]+)\s*(?:\|([^{}]*))?\}\}\}/g;

/**
 * Pure: Resend's `{{{NAME}}}` / `{{{NAME|fallback}}}` as scopegate's Mustache. The named ones are
 * contact fields or the unsubscribe URL; any other name is a contact property. Each is written as an
 * escaped `{{…}}` (Resend's triple braces would be raw HTML in Mustache); a fallback shows when the
 * contact lacks the field.
 */
export function fromResendPlaceholders(source: string): string {
  return source.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const field = PLACEHOLDERS[name] ?? `contact.properties.${name}`;
    const value = `{{${field}}}`;
    if (fallback === undefined) return value;
    return `{{#${field}}}${value}{{/${field}}}{{^${field}}}${fallback.trim()}{{/${field}}}`;
  });
}

/** Pure: a Resend segment (or audience) id as a scopegate audience: a list, or a `seg_…` segment. */
export function audienceOf(id: string): CreateBroadcastInput['audience'] {
  return id.startsWith('seg_') ? { segment_id: id } : { list_id: id };
}

/** Pure: the audience a Resend body names (segment_id, or its older name audience_id), if any. */
export function resendAudienceOf(input: {
  readonly segment_id?: string | undefined;
  readonly audience_id?: string | undefined;
}): CreateBroadcastInput['audience'] | undefined {
  const { segment_id: segment, audience_id: audience } = input;
  if (segment !== undefined && audience !== undefined && segment !== audience) {
    const message = 'audience_id is the older name of segment_id: give one of them.';
    throw new ApiError('validation_error', { message, errors: [{ path: 'audience_id', message }] });
  }
  const id = segment ?? audience;
  return id === undefined ? undefined : audienceOf(id);
}

/** Pure: Resend's statuses as its SDK types them. */
export function resendStatusOf(status: BroadcastJson['status']): ResendBroadcastJson['status'] {
  switch (status) {
    case 'draft':
    case 'sent':
      return status;
    case 'scheduled':
    case 'sending':
      return 'queued';
    case 'canceled':
    case 'failed':
      return 'canceled';
  }
}

/** Pure: a `/v1` broadcast in Resend's shape. */
export function resendBroadcastJson(broadcast: BroadcastJson): ResendBroadcastJson {
  const audience =
    'list_id' in broadcast.audience ? broadcast.audience.list_id : broadcast.audience.segment_id;
  return {
    object: 'broadcast',
    id: broadcast.id,
    name: broadcast.name,
    segment_id: audience,
    audience_id: 'list_id' in broadcast.audience ? broadcast.audience.list_id : null,
    from: broadcast.from,
    subject: broadcast.subject,
    reply_to: broadcast.reply_to.length > 0 ? [...broadcast.reply_to] : null,
    preview_text: null,
    status: resendStatusOf(broadcast.status),
    created_at: broadcast.created_at,
    scheduled_at: broadcast.scheduled_at,
    sent_at: broadcast.started_at,
    topic_id: null,
    html: broadcast.html,
    text: broadcast.text,
  };
}

/** Pure: Resend's create body as `/v1`'s (placeholders read, the name defaulted as Resend does). */
export function createInputOf(input: ResendCreateBroadcastInput): CreateBroadcastInput {
  const audience = resendAudienceOf(input);
  // The schema requires one of segment_id and audience_id.
  if (audience === undefined) throw new Error('a Resend broadcast without a segment passed its schema');
  return {
    name: input.name ?? 'Untitled',
    from: input.from,
    ...(input.reply_to === undefined ? {} : { reply_to: input.reply_to }),
    subject: fromResendPlaceholders(input.subject),
    ...(input.html === undefined ? {} : { html: fromResendPlaceholders(input.html) }),
    ...(input.text === undefined ? {} : { text: fromResendPlaceholders(input.text) }),
    audience,
  };
}

/** Pure: Resend's update body as `/v1`'s: only the fields given change. */
export function updateInputOf(input: ResendUpdateBroadcastInput): UpdateBroadcastInput {
  const audience = resendAudienceOf(input);
  const read = (value: string | undefined) =>
    value === undefined ? undefined : fromResendPlaceholders(value);
  const fields = {
    name: input.name,
    from: input.from,
    reply_to: input.reply_to,
    subject: read(input.subject),
    html: read(input.html),
    text: read(input.text),
    audience,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

type RecipientType = (typeof RESEND_RECIPIENT_TYPES)[number];

/**
 * Pure: which recipient statuses have had Resend's event `type` (a delivered email was sent, a
 * bounced one too); undefined for the events scopegate does not keep per recipient.
 */
export function statusesOf(type: RecipientType): readonly RecipientStatus[] | undefined {
  switch (type) {
    case 'sent':
      return ['sent', 'delivered', 'bounced', 'complained'];
    case 'delivered':
      return ['delivered', 'complained'];
    case 'bounced':
    case 'complained':
    case 'unsubscribed':
    case 'suppressed':
      return [type];
    case 'opened':
    case 'clicked':
      return undefined;
  }
}

/** Recipients read per query while looking for the ones of a type. */
const RECIPIENTS_SCANNED = 100;

/** What every request carries whatever its route. */
type Caller = Pick<
  Parameters<BroadcastsV1Handlers['getBroadcast']>[0],
  'auth' | 'requestId' | 'markReplayed'
>;
const callerOf = ({ auth, requestId, markReplayed }: Caller) => ({
  auth,
  requestId,
  markReplayed,
  headers: undefined,
  query: undefined,
});

export function resendBroadcastsHandlers(
  v1: BroadcastsV1Handlers,
  deps: BroadcastServiceDependencies,
): ServiceHandlers<typeof RESEND_BROADCASTS_CONTRACTS> {
  const get = (caller: Caller, id: string) =>
    v1.getBroadcast({ ...callerOf(caller), params: { id }, body: undefined });
  return {
    resendCreateBroadcast: async (request) => {
      const caller = callerOf(request);
      const draft = await v1.createBroadcast({
        ...caller,
        params: undefined,
        body: createInputOf(request.body),
      });
      if (request.body.send !== true) return { id: draft.id };
      try {
        const { scheduled_at } = request.body;
        await v1.sendBroadcast({
          ...caller,
          params: { id: draft.id },
          body: scheduled_at === undefined ? {} : { scheduled_at },
        });
      } catch (error) {
        // All or nothing: a send refused leaves no draft behind.
        await v1.deleteBroadcast({ ...caller, params: { id: draft.id }, body: undefined });
        throw error;
      }
      return { id: draft.id };
    },
    resendListBroadcasts: ({ auth, query }) =>
      answerResendPage(
        query,
        (id) => (isIdOf(BROADCAST_ID_PREFIX, id) ? `${BROADCAST_PREFIX}${id}` : undefined),
        async (page) => {
          const { broadcasts, nextAfter } = await listBroadcasts(deps, auth.projectId, projectPageOf(page));
          const items = broadcasts.map((broadcast) => {
            const { id, name, segment_id, audience_id, status, created_at, scheduled_at, sent_at } =
              resendBroadcastJson(broadcastJson(broadcast));
            return { id, name, segment_id, audience_id, status, created_at, scheduled_at, sent_at };
          });
          return { items, nextAfter };
        },
      ),
    resendGetBroadcast: async (request) => resendBroadcastJson(await get(request, request.params.id)),
    resendUpdateBroadcast: async (request) => {
      const updated = await v1.updateBroadcast({
        ...callerOf(request),
        params: request.params,
        body: updateInputOf(request.body),
      });
      return { id: updated.id };
    },
    resendDeleteBroadcast: async (request) => {
      const { id } = await v1.deleteBroadcast({
        ...callerOf(request),
        params: request.params,
        body: undefined,
      });
      return { object: 'broadcast', id, deleted: true };
    },
    resendSendBroadcast: async (request) => {
      const sent = await v1.sendBroadcast({
        ...callerOf(request),
        params: request.params,
        body: request.body,
      });
      return { id: sent.id };
    },
    resendCancelBroadcast: async (request) => {
      const canceled = await v1.cancelBroadcast({
        ...callerOf(request),
        params: request.params,
        body: undefined,
      });
      return { object: 'broadcast', id: canceled.id };
    },
    resendListBroadcastRecipients: async ({ auth, params, query }) => {
      const { type, email, bounce_type: bounceType, ...page } = query;
      if (bounceType !== undefined)
        throw unsupportedParameter('bounce_type', "scopegate does not keep a recipient's bounce type");
      const statuses = type === undefined ? RECIPIENT_STATUSES : statusesOf(type);
      if (statuses === undefined)
        throw unsupportedParameter(
          'type',
          `scopegate does not record ${type} events per broadcast recipient`,
        );
      // The broadcast first: another project's is a 404 before any recipient is read.
      const broadcast = await getBroadcast(deps, auth.projectId, params.id);
      const address = email === undefined ? undefined : normaliseAddress(email);
      const wanted = (recipient: RecipientJson) =>
        statuses.includes(recipient.status) &&
        (address === undefined || normaliseAddress(recipient.email) === address);
      return answerResendPage(
        page,
        (id) => `${RECIPIENT_PREFIX}${id}`,
        async ({ limit, after, direction }) => {
          const backwards = direction === 'backward';
          // Recipients of every status share one list: read on until a page of this type is found.
          const found: { id: string; contact_id: string; email: string }[] = [];
          let position = after;
          for (;;) {
            const { items, nextAfter } = await recipientsPage(deps, broadcast, {
              limit: RECIPIENTS_SCANNED,
              after: position,
              backwards,
            });
            for (const [index, recipient] of items.entries()) {
              if (!wanted(recipient)) continue;
              found.push({
                id: recipient.contact_id,
                contact_id: recipient.contact_id,
                email: recipient.email,
              });
              if (found.length === limit) {
                const more = index < items.length - 1 || nextAfter !== undefined;
                return {
                  items: found,
                  nextAfter: more ? `${RECIPIENT_PREFIX}${recipient.contact_id}` : undefined,
                };
              }
            }
            if (nextAfter === undefined) return { items: found, nextAfter: undefined };
            position = nextAfter;
          }
        },
      );
    },
    resendDuplicateBroadcast: async (request) => {
      const source = await get(request, request.params.id);
      const copy = await v1.createBroadcast({
        ...callerOf(request),
        params: undefined,
        body: {
          name: source.name,
          from: source.from,
          ...(source.reply_to.length > 0 ? { reply_to: [...source.reply_to] } : {}),
          ...(source.subject === null ? {} : { subject: source.subject }),
          ...(source.html === null ? {} : { html: source.html }),
          ...(source.text === null ? {} : { text: source.text }),
          ...(source.template === null ? {} : { template: source.template }),
          audience: source.audience,
          tags: source.tags,
        },
      });
      return { object: 'broadcast', id: copy.id };
    },
  };
}
