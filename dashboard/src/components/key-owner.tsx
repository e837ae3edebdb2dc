/**
 * Which project and team the pasted key belongs to: the key's own record (`GET /v1/api-keys/{id}`,
 * by the id inside its public prefix) names both. Quietly: a page's own failure owns the banner.
 */
import { useEffect, useState } from 'preact/hooks';
import { answer, type Schemas } from '../api';
import { keyId, keyPrefix } from '../session';
import { useClient } from '../use-resource';

export function KeyOwner({ apiKey }: { apiKey: string }) {
  const client = useClient();
  const [own, setOwn] = useState<Schemas['ApiKey'] | undefined>(undefined);
  useEffect(() => {
    let current = true;
    answer(client.GET('/v1/api-keys/{id}', { params: { path: { id: keyId(apiKey) } } }))
      .then((key) => current && setOwn(key))
      .catch(() => current && setOwn(undefined));
    return () => {
      current = false;
    };
  }, [apiKey]);
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
