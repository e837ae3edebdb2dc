/** The account service's routes: what each one accepts and answers (see lambdas/core/contract.ts). */
import { z } from 'zod';
import { defineContract } from '../core/contract.js';
import type { ServiceContracts } from '../core/http.js';

export const projectSchema = z
  .object({
    id: z.string().meta({ example: 'proj_0VbnqK3m8a2Jx7Qp1Zr5Tt' }),
    team_id: z.string(),
    name: z.string(),
    created_at: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'Project' });

export const ACCOUNT_CONTRACTS = {
  listProjects: defineContract({
    response: {
      status: 200,
      description: "The key's team's projects, oldest first.",
      schema: z.object({ data: z.array(projectSchema) }),
    },
  }),
} satisfies ServiceContracts<'account'>;
