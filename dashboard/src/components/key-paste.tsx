/** The first screen: paste a full_access key. It is checked with one call before it is kept. */
import { useState } from 'preact/hooks';
import { answer, apiClient } from '../api';
import { run } from '../errors';
import { isKeyShaped, rememberKey } from '../session';

export function KeyPaste() {
  const [value, setValue] = useState('');
  const [hint, setHint] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const key = value.trim();
    if (!isKeyShaped(key)) {
      setHint('That does not look like a key: sk_live_… or sk_test_… followed by 50 letters and digits.');
      return;
    }
    setHint(undefined);
    setBusy(true);
    // The key is kept only if the API accepts it; otherwise the banner shows the API's refusal.
    const accepted = await run(() =>
      answer(apiClient(key, location.href).GET('/v1/projects', { params: { query: { limit: 1 } } })),
    );
    setBusy(false);
    if (accepted) {
      setValue('');
      rememberKey(key);
    }
  };
  return (
    <main class="paste">
      <h1>scopegate</h1>
      <form onSubmit={submit}>
        <label for="key">Paste a full_access API key</label>
        <input
          id="key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="sk_test_…"
          value={value}
          onInput={(event) => setValue(event.currentTarget.value)}
          aria-describedby="key-help"
        />
        {hint && (
          <p class="hint" role="alert">
            {hint}
          </p>
        )}
        <p id="key-help" class="help">
          The key stays in this tab's session storage and is sent only to this API. Closing the tab or "Forget
          key" removes it. <code>npm start</code> prints one the first time it runs.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Use this key'}
        </button>
      </form>
    </main>
  );
}
