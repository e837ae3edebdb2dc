/** A secret the API answers once (a webhook's signing secret; later, a new key): shown with a copy button. */
import { CopyButton } from './copy-button';

export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  return (
    <section class="secret-once" aria-labelledby="secret-once-title">
      <h3 id="secret-once-title">{label}</h3>
      <p>
        <strong>Copy it now: you won't see it again.</strong> The API stores it for signing and never answers
        it again.
      </p>
      <div class="secret-row">
        <code data-testid="secret">{secret}</code>
        <CopyButton value={secret} />
      </div>
      <button type="button" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}
