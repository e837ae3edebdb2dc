/**
 * The one place a delivery touches the network. The attempt hands the connector the addresses it
 * has already checked; the connector must connect to one of those and nowhere else.
 *
 * The default connector keeps the URL's host name for everything HTTP and TLS need (the Host
 * header, SNI, certificate verification against the name) and overrides only name resolution: its
 * `lookup` answers with the checked addresses instead of asking DNS again. A second lookup is what
 * DNS rebinding exploits (public address when checked, private one when connecting). Connecting by
 * IP with a hand-set `servername` and `Host` would work too, but each of those is one more thing to
 * get right on every request; here Node does them as for any other URL.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface ConnectRequest {
  readonly url: URL;
  /** Non-empty; every one passed the address guard. */
  readonly addresses: readonly CheckedAddress[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Aborted when the attempt's time is up: the connector must then give up at once. */
  readonly signal: AbortSignal;
  /** Read at most this many bytes of the response body, then stop reading. */
  readonly maxBodyBytes: number;
}

export interface ConnectResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  /** At most `maxBodyBytes` bytes. */
  readonly body: Buffer;
}

export type Connector = (request: ConnectRequest) => Promise<ConnectResponse>;

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` that answers only with the checked addresses, whatever name it is asked about. */
export function pinnedLookup(addresses: readonly CheckedAddress[]) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const [first] = addresses;
    if (first === undefined) {
      callback(Object.assign(new Error('No checked address to connect to.'), { code: 'ENOTFOUND' }), []);
    } else if (options.all === true) {
      // Node's happy eyeballs (autoSelectFamily) asks for all addresses: every one was checked.
      callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/** node:http / node:https, one POST, no redirects (Node never follows them), no connection reuse. */
export const httpConnector: Connector = (request) =>
  new Promise<ConnectResponse>((resolve, reject) => {
    const { url, addresses, headers, body, signal, maxBodyBytes } = request;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(addresses),
        // A pooled socket was opened for an earlier request and its own check; never reuse one.
        agent: false,
        signal,
      },
      (response) => readLimited(response, maxBodyBytes).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

function readLimited(response: IncomingMessage, maxBodyBytes: number): Promise<ConnectResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      const retryAfter = response.headers['retry-after'];
      resolve({
        status: response.statusCode ?? 0,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
        body: Buffer.concat(chunks).subarray(0, maxBodyBytes),
      });
      // Stop reading: the rest of a large or endless body is never downloaded.
      response.destroy();
    };
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBodyBytes) finish();
    });
    response.on('end', finish);
    response.on('error', reject);
  });
}
