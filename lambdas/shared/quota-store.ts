/**
 * Monthly sending caps in DynamoDB (keys and the decision in ./quota.ts). A reservation is one read
 * of the team's limits (strongly consistent, so a changed cap applies to the very next send) and one
 * conditional UpdateItem that adds the count to the team's month counter and to the project's in the
 * same write, on the condition that the team's counter stays within the cap. DynamoDB evaluates the
 * condition and the increment atomically: concurrent reservations at the cap never overshoot it.
 */
import type { Documents } from '../aws/aws-clients.js';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';
import { ApiError } from '../api/errors.js';
import {
  billingPartition,
  type Channel,
  CHANNELS,
  type ChannelLimits,
  highestStartFor,
  LIMITS_SORT_KEY,
  monthOf,
  projectCounter,
  readCap,
  usageSortKey,
} from './quota.js';

export interface QuotaStore {
  readonly documents: Documents;
  readonly dataTable: string;
}

export interface SendRequest {
  readonly teamId: string;
  readonly projectId: string;
  readonly channel: Channel;
  /** How many messages: 1 for a send, the batch's size for a batch. */
  readonly count: number;
  readonly now: Date;
}

/** What was counted, to give back with releaseSends if the messages are not sent after all. */
export interface Reservation {
  readonly teamId: string;
  readonly projectId: string;
  readonly channel: Channel;
  readonly count: number;
  readonly month: string;
}

/**
 * Counts `count` sends against the team's monthly cap for the channel, or throws 429
 * `quota_exceeded` counting nothing. A failure of DynamoDB rejects: nothing is sent uncounted.
 */
export async function reserveSends(store: QuotaStore, request: SendRequest): Promise<Reservation> {
  const { teamId, projectId, channel, count } = request;
  const month = monthOf(request.now);
  const cap = (await readTeamLimits(store, teamId))[channel];
  const highestStart = highestStartFor(count, cap);
  if (highestStart !== undefined && highestStart < 0) throw quotaExceeded(channel, cap);
  try {
    await store.documents.send(
      new UpdateCommand({
        TableName: store.dataTable,
        Key: { pk: billingPartition(teamId), sk: usageSortKey(month) },
        UpdateExpression: 'ADD #team :count, #project :count',
        ...(highestStart === undefined
          ? {}
          : { ConditionExpression: 'attribute_not_exists(#team) OR #team <= :highestStart' }),
        ExpressionAttributeNames: { '#team': channel, '#project': projectCounter(channel, projectId) },
        ExpressionAttributeValues: {
          ':count': count,
          ...(highestStart === undefined ? {} : { ':highestStart': highestStart }),
        },
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw quotaExceeded(channel, cap);
    throw error;
  }
  return { teamId, projectId, channel, count, month };
}

/**
 * Gives back `count` of a reservation (default: all of it) whose messages the provider never
 * accepted. Unconditional: the counter only ever goes back by what was added.
 */
export async function releaseSends(
  store: QuotaStore,
  reservation: Reservation,
  count = reservation.count,
): Promise<void> {
  if (count <= 0) return;
  const { teamId, projectId, channel, month } = reservation;
  await store.documents.send(
    new UpdateCommand({
      TableName: store.dataTable,
      Key: { pk: billingPartition(teamId), sk: usageSortKey(month) },
      UpdateExpression: 'ADD #team :back, #project :back',
      ExpressionAttributeNames: { '#team': channel, '#project': projectCounter(channel, projectId) },
      ExpressionAttributeValues: { ':back': -Math.min(count, reservation.count) },
    }),
  );
}

/** The team's caps; an unreadable cap (a hand edit gone wrong) reads as 0 and is reported. */
export async function readTeamLimits(
  store: QuotaStore,
  teamId: string,
  onUnreadable?: (channel: Channel) => void,
): Promise<ChannelLimits> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: { pk: billingPartition(teamId), sk: LIMITS_SORT_KEY },
      ConsistentRead: true,
    }),
  );
  const limits: ChannelLimits = {};
  for (const channel of CHANNELS) {
    const { cap, readable } = readCap(Item?.[channel]);
    if (!readable) onUnreadable?.(channel);
    if (cap !== undefined) limits[channel] = cap;
  }
  return limits;
}

/** Replaces the team's caps: a channel left out has none. */
export async function putTeamLimits(
  store: QuotaStore,
  teamId: string,
  limits: ChannelLimits,
  now: Date,
): Promise<void> {
  await store.documents.send(
    new PutCommand({
      TableName: store.dataTable,
      Item: {
        pk: billingPartition(teamId),
        sk: LIMITS_SORT_KEY,
        ...limits,
        teamId,
        updatedAt: now.toISOString(),
      },
    }),
  );
}

export type ChannelCounts = Readonly<Record<Channel, number>>;

export interface TeamUsage {
  readonly month: string;
  /** Per project that sent anything this month, by project id. */
  readonly projects: readonly { readonly projectId: string; readonly counts: ChannelCounts }[];
  readonly total: ChannelCounts;
}

/** A team's sends in a month: one strongly consistent GetItem of the month's counter item. */
export async function readTeamUsage(store: QuotaStore, teamId: string, month: string): Promise<TeamUsage> {
  const { Item } = await store.documents.send(
    new GetCommand({
      TableName: store.dataTable,
      Key: { pk: billingPartition(teamId), sk: usageSortKey(month) },
      ConsistentRead: true,
    }),
  );
  const byProject = new Map<string, Record<Channel, number>>();
  const total = zeroCounts();
  for (const [name, value] of Object.entries(Item ?? {})) {
    if (typeof value !== 'number') continue;
    const [channel, projectId] = splitCounter(name);
    if (channel === undefined) continue;
    if (projectId === undefined) {
      total[channel] = value;
    } else {
      const counts = byProject.get(projectId) ?? zeroCounts();
      counts[channel] = value;
      byProject.set(projectId, counts);
    }
  }
  const projects = [...byProject.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([projectId, counts]) => ({ projectId, counts }));
  return { month, projects, total };
}

function zeroCounts(): Record<Channel, number> {
  return { email: 0, sms: 0, whatsapp: 0 };
}

/** `email` → [email]; `email#proj_1` → [email, proj_1]; anything else → []. */
function splitCounter(name: string): [Channel, string?] | [] {
  const hash = name.indexOf('#');
  const channel = hash === -1 ? name : name.slice(0, hash);
  if (!(CHANNELS as readonly string[]).includes(channel)) return [];
  return hash === -1 ? [channel as Channel] : [channel as Channel, name.slice(hash + 1)];
}

function quotaExceeded(channel: Channel, cap: number | undefined): ApiError {
  return new ApiError('quota_exceeded', {
    message: `This would exceed the team's monthly ${channel} cap of ${cap ?? 0}.`,
  });
}
