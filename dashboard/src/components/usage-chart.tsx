/** A key's requests per day, allowed and denied, as an inline SVG (no chart library) with a table twin. */
import { answer } from '../api';
import { usageBars } from '../usage-chart';
import { useResource } from '../use-resource';

const WIDTH = 600;
const HEIGHT = 120;

export function UsageChart({ id }: { id: string }) {
  const usage = useResource(
    (api) => answer(api.GET('/v1/api-keys/{id}/usage', { params: { path: { id }, query: { days: 30 } } })),
    [id],
  );
  const days = usage.value?.data ?? [];
  const totals = days.reduce(
    (sum, day) => ({ allowed: sum.allowed + day.allowed, denied: sum.denied + day.denied }),
    { allowed: 0, denied: 0 },
  );
  return (
    <section aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage, last {days.length || 30} days</h2>
      <p data-testid="usage-totals">
        {totals.allowed} allowed · {totals.denied} denied
      </p>
      <svg
        class="usage-chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Requests per day: ${totals.allowed} allowed and ${totals.denied} denied in all`}
      >
        {usageBars(days, WIDTH, HEIGHT).map((bar) => (
          <g key={bar.date}>
            <title>{`${bar.date}`}</title>
            <rect class="allowed" x={bar.x} width={bar.width} y={bar.allowed.y} height={bar.allowed.height} />
            <rect class="denied" x={bar.x} width={bar.width} y={bar.denied.y} height={bar.denied.height} />
          </g>
        ))}
      </svg>
      <p class="help">
        <span class="legend allowed" aria-hidden="true" /> allowed{' '}
        <span class="legend denied" aria-hidden="true" /> denied (refused by the authorizer or API Gateway)
      </p>
    </section>
  );
}
