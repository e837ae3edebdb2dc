/**
 * DynamoDB requests counted on the wire: a small HTTP proxy in front of DynamoDB Local that forwards
 * every request unchanged and tallies it by operation and by the partitions it touches, so what is
 * counted is exactly what the stack's clients sent (the SDK's retries included).
 *
 * Write units follow DynamoDB's pricing: 1 per KB of the item written (rounded up), twice that in a
 * transaction. A Put's size is read from its request; an update's or delete's item is not in its
 * request, so its size is asked of DynamoDB Local after the run (`sizeOf`), outside the count.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type AttributeValue = Readonly<Record<string, unknown>>;
type Item = Readonly<Record<string, AttributeValue>>;

/** One item a request wrote or read, by table and key. */
export interface Touch {
  readonly table: string;
  readonly pk: string;
  readonly sk: string | undefined;
  /** Bytes of a Put's item as sent; undefined for an update or a delete (sized later). */
  readonly bytes: number | undefined;
  readonly transactional: boolean;
}

export interface WireRequest {
  readonly operation: string;
  readonly writes: readonly Touch[];
  /** Partitions a read reached (a GetItem's or Query's key; one per key of a BatchGetItem). */
  readonly reads: readonly Touch[];
}

export interface WireCounter {
  readonly endpoint: string;
  readonly requests: readonly WireRequest[];
  /** Forgets what was counted so far (the set-up's requests). */
  reset(): void;
  stop(): Promise<void>;
}

/** Starts the counting proxy on a free port in front of `target` (DynamoDB Local's endpoint). */
export async function startWireCounter(target: string): Promise<WireCounter> {
  const upstream = new URL(target);
  let requests: WireRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      requests.push(classify(operation, parseJson(body.toString('utf8'))));
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    reset: () => {
      requests = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The items one DynamoDB request writes and reads, from its JSON body. Pure. */
export function classify(operation: string, body: Readonly<Record<string, unknown>>): WireRequest {
  const table = String(body.TableName ?? '');
  const key = (item: unknown) => item as Item | undefined;
  switch (operation) {
    case 'PutItem':
      return { operation, writes: [touch(table, key(body.Item), true, false)], reads: [] };
    case 'UpdateItem':
    case 'DeleteItem':
      return { operation, writes: [touch(table, key(body.Key), false, false)], reads: [] };
    case 'GetItem':
      return { operation, writes: [], reads: [touch(table, key(body.Key), false, false)] };
    case 'Query':
      return { operation, writes: [], reads: [queried(table, body)] };
    case 'TransactWriteItems': {
      const items = (body.TransactItems as Record<string, Record<string, unknown>>[] | undefined) ?? [];
      return {
        operation,
        writes: items.flatMap((entry) => {
          const [kind, part] = Object.entries(entry)[0] ?? [];
          if (!part || kind === 'ConditionCheck') return [];
          const itemTable = String(part.TableName ?? '');
          return [touch(itemTable, key(kind === 'Put' ? part.Item : part.Key), kind === 'Put', true)];
        }),
        reads: [],
      };
    }
    case 'BatchGetItem': {
      const tables = (body.RequestItems as Record<string, { Keys?: unknown[] }> | undefined) ?? {};
      return {
        operation,
        writes: [],
        reads: Object.entries(tables).flatMap(([name, { Keys = [] }]) =>
          Keys.map((k) => touch(name, key(k), false, false)),
        ),
      };
    }
    default:
      return { operation, writes: [], reads: [] };
  }
}

function touch(table: string, item: Item | undefined, sized: boolean, transactional: boolean): Touch {
  const pk = stringOf(item?.pk) ?? stringOf(item?.keyId) ?? '?';
  return {
    table,
    pk,
    sk: stringOf(item?.sk),
    bytes: sized && item ? itemBytes(item) : undefined,
    transactional,
  };
}

/** The partition a Query reads: the value bound to `pk` (or the ApiKeys index key) in its condition. */
function queried(table: string, body: Readonly<Record<string, unknown>>): Touch {
  const condition = String(body.KeyConditionExpression ?? '');
  const placeholder = /(?:^|\s|\()#?\w+\s*=\s*(:\w+)/.exec(condition)?.[1];
  const values = (body.ExpressionAttributeValues as Item | undefined) ?? {};
  const pk = placeholder ? (stringOf(values[placeholder]) ?? '?') : '?';
  return { table, pk, sk: undefined, bytes: undefined, transactional: false };
}

function stringOf(value: AttributeValue | undefined): string | undefined {
  return typeof value?.S === 'string' ? value.S : undefined;
}

/** DynamoDB's item size: attribute names plus values (UTF-8), as its capacity units count them. */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'N':
      return Math.ceil(String(inner).length / 2) + 1;
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as string[]).reduce((sum, member) => sum + Buffer.byteLength(member), 0);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, member) => sum + 1 + valueBytes(member), 0);
    case 'M':
      return 3 + itemBytes(inner as Item) + Object.keys(inner as Item).length;
    default:
      return 0;
  }
}
