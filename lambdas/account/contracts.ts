/** The account service's routes: what each one accepts and answers (see lambdas/api/contract.ts). */
import * as z from 'zod/mini';
import { defineContract } from '../api/contract.js';
import type { ServiceContracts } from '../http/frame.js';
import { listQuerySchema, listResponseSchema } from '../http/list.js';
import { withMeta } from '../api/schema-meta.js';
import { USAGE_AUDIT_CONTRACTS } from './usage-audit-contracts.js';
import { BILLING_CONTRACTS } from './billing-contracts.js';
import { API_KEY_CONTRACTS } from './api-key-contracts.js';

export const projectSchema = withMeta(
  z.object({
    id: withMeta(z.string(), { example: 'proj_0VbnqK3m8a2Jx7Qp1Zr5Tt' }),
    team_id: z.string(),
    name: z.string(),
    created_at: withMeta(z.string(), { format: 'date-time' }),
  }),
  { id: 'Project' },
);

export type ProjectJson = z.input<typeof projectSchema>;

export const ACCOUNT_CONTRACTS = {
  listProjects: defineContract({
    query: listQuerySchema,
    response: {
      status: 200,
      description: "A page of the key's team's projects, by id, newest first.",
      schema: listResponseSchema(projectSchema),
    },
  }),
  ...USAGE_AUDIT_CONTRACTS,
  ...BILLING_CONTRACTS,
  ...API_KEY_CONTRACTS,
} satisfies ServiceContracts<'account'>;
