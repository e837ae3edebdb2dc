/** Shows the API's answer to a failed call as it was sent: message, error_code, request_id, field errors. */
import { clearError, lastError } from '../errors';

export function ErrorBanner() {
  const error = lastError.value;
  if (!error) return null;
  return (
    <div class="banner error" role="alert">
      <p class="banner-message">{error.message}</p>
      {error.fieldErrors.length > 0 && (
        <ul>
          {error.fieldErrors.map((field) => (
            <li key={field.path}>{field.message}</li>
          ))}
        </ul>
      )}
      <p class="banner-meta">
        {error.status !== undefined && <span>HTTP {error.status}</span>}
        {error.errorCode && (
          <span>
            error_code <code data-testid="error-code">{error.errorCode}</code>
          </span>
        )}
        {error.requestId && (
          <span>
            request_id <code>{error.requestId}</code>
          </span>
        )}
      </p>
      <button type="button" class="link" onClick={clearError}>
        Dismiss
      </button>
    </div>
  );
}
