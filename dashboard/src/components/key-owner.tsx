/**
 * Which project and team the pasted key belongs to: the key's own record (`GET /v1/api-keys/{id}`,
 * by the id inside its public prefix) names both. Quietly: a page's own failure owns the banner. The
 * record it reads is the one the pages ask what the key may do (own-key.ts).
 */
import { useEffect } from 'preact/hooks';
import { loadOwnKey, ownKeyRecord } from '../own-key';
import { keyPrefix } from '../session';
import { useClient } from '../use-resource';

export function KeyOwner({ apiKey }: { apiKey: string }) {
  const client = useClient();
  useEffect(() => {
    void loadOwnKey(client, apiKey);
  }, [apiKey]);
  const own = ownKeyRecord();
  return (
    <p class="key-owner" data-testid="key-owner">
      <span>
        Key <code>{keyPrefix(apiKey)}</code>
      </span>
      {own && (
        <>
          <span>
            Project <code>{own.project_id}</code>
          </span>
          <span>
            Team <code>{own.team_id}</code>
          </span>
        </>
      )}
    </p>
  );
}
