/**
 * Which project and team the pasted key belongs to.
 *
 * PHASE 2 PLACEHOLDER: the key's own project comes from the keys API (`GET /v1/api-keys/{id}`), which
 * is not there yet. Until then this shows the key's public prefix and the team (every project
 * `GET /v1/projects` lists belongs to the key's team).
 */
import type { Schemas } from '../api';
import { keyPrefix } from '../session';

export function KeyOwner({
  apiKey,
  projects,
}: {
  apiKey: string;
  projects: readonly Schemas['Project'][] | undefined;
}) {
  const team = projects?.[0]?.team_id;
  return (
    <p class="key-owner" data-testid="key-owner">
      <span>
        Key <code>{keyPrefix(apiKey)}</code>
      </span>
      {team && (
        <span>
          Team <code>{team}</code>
        </span>
      )}
    </p>
  );
}
