/** `scopegate domains …`: an operator's tools over lambdas/domains. */
import { ApiError } from '../../lambdas/api/errors.js';
import { normaliseDomainName } from '../../lambdas/domains/domain-name.js';
import { findClaim, releaseClaim } from '../../lambdas/domains/domain-store.js';
import { lapseDomain } from '../../lambdas/domains/domains.js';
import type { Command } from '../command.js';
import { CliFailure, usageError } from '../failure.js';

export const domainCommands: readonly Command[] = [
  {
    words: ['domains', 'release'],
    summary:
      'Free a sending-domain name whichever project holds it: its SES identity is deleted and the domain becomes failed (released)',
    args: ['NAME'],
    options: [],
    async run({ args, target, output }) {
      const normalised = normaliseDomainName(args[0] ?? '', { allowInvalidTld: true });
      if ('error' in normalised) throw usageError(`NAME ${normalised.error}`);
      const { name } = normalised;
      const store = { documents: target.store.documents, dataTable: target.store.dataTable };
      const claim = await findClaim(store, name);
      if (!claim) throw new CliFailure('not_found', `no project holds the domain name ${name}`);
      const deps = { ...store, ses: target.ses, region: target.region, now: () => new Date() };
      try {
        const domain = await lapseDomain(deps, claim.projectId, claim.domainId, 'released');
        // A claim whose domain is gone holds nothing: free it.
        if (!domain) await releaseClaim(store, claim);
        else if (domain.failureReason === undefined) {
          throw new CliFailure('unavailable', `${name} changed while it was released: run the command again`);
        }
      } catch (error) {
        if (error instanceof ApiError && error.code === 'upstream_unavailable') {
          throw new CliFailure(
            'unavailable',
            `SES did not delete the identity of ${name}; it is still held: run the command again`,
          );
        }
        throw error;
      }
      output.result(
        { name, released: true, project_id: claim.projectId, domain_id: claim.domainId },
        () =>
          `Released ${name} (domain ${claim.domainId} of project ${claim.projectId} is now failed: released).`,
      );
    },
  },
];
