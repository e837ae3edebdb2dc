/**
 * The billing routes' handlers: a billing key reads its team's sends this month and reads or
 * replaces the team's monthly caps. The team comes only from the key (`auth.teamId`).
 */
import type { ServiceHandlers } from '../http/frame.js';
import { type Channel, CHANNELS, type ChannelLimits, monthOf } from '../shared/quota.js';
import { putTeamLimits, type QuotaStore, readTeamLimits, readTeamUsage } from '../shared/quota-store.js';
import type { BILLING_CONTRACTS } from './billing-contracts.js';

export interface BillingStore extends QuotaStore {
  readonly now?: () => Date;
}

export function billingHandlers(store: BillingStore): ServiceHandlers<typeof BILLING_CONTRACTS> {
  const now = () => store.now?.() ?? new Date();
  return {
    getBillingUsage: async ({ auth, query }) => {
      const usage = await readTeamUsage(store, auth.teamId, query.month ?? monthOf(now()));
      return {
        month: usage.month,
        data: usage.projects.map(({ projectId, counts }) => ({ project_id: projectId, ...counts })),
        total: usage.total,
      };
    },
    getBillingLimits: async ({ auth }) => limitsJson(await readTeamLimits(store, auth.teamId)),
    putBillingLimits: async ({ auth, body }) => {
      const limits: ChannelLimits = {};
      for (const channel of CHANNELS) {
        const cap = body[channel];
        if (typeof cap === 'number') limits[channel] = cap;
      }
      await putTeamLimits(store, auth.teamId, limits, now());
      return limitsJson(limits);
    },
  };
}

function limitsJson(limits: ChannelLimits): Record<Channel, number | null> {
  return { email: limits.email ?? null, sms: limits.sms ?? null, whatsapp: limits.whatsapp ?? null };
}
