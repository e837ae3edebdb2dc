/** The account service's routes: what each one accepts and answers (see lambdas/core/contract.ts). */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';
import type { ServiceContracts } from '../core/http.js';
import { listQuerySchema, listResponseSchema } from '../core/list.js';
import { USAGE_AUDIT_CONTRACTS } from './usage-audit-contracts.js';
import { BILLING_CONTRACTS } from './billing-contracts.js';
import { API_KEY_CONTRACTS } from './api-key-contracts.js';

export const projectSchema = z
  .object({
    id: z.string().meta({ example: 'proj_0VbnqK3m8a2Jx7Qp1Zr5Tt' }),
    team_id: z.string(),
    name: z.string(),
    created_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Project' });

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
