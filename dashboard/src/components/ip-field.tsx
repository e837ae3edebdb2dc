/** The IP allow-list input, checked as typed with the authorizer's own parser. */
import { checkIpEntries } from '../ip-entries';

export function IpField({
  id,
  value,
  onInput,
}: {
  id: string;
  value: string;
  onInput: (value: string) => void;
}) {
  const { invalid } = checkIpEntries(value);
  const problemId = `${id}-problem`;
  return (
    <div class="field">
      <label for={id}>Allowed IPs</label>
      <input
        id={id}
        value={value}
        placeholder="203.0.113.50, 198.51.100.0/24, 2001:db8::/32"
        aria-invalid={invalid.length > 0 ? true : undefined}
        aria-describedby={problemId}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <p class={invalid.length > 0 ? 'problems' : 'help'} id={problemId}>
        {invalid.length > 0
          ? `Not an IPv4/IPv6 address or CIDR range: ${invalid.join(', ')}`
          : 'Comma-separated addresses or CIDR ranges; empty allows any address.'}
      </p>
    </div>
  );
}
