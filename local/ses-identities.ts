/**
 * A local stand-in for the SES v2 email-identity calls, speaking SES v2's REST protocol so the same
 * SDK client runs locally. aws-ses-v2-local answers these with a catch-all 404, so this server sits
 * in front of it: it serves the identity paths itself and forwards every other request (sending, the
 * page at `/`, `/store`) unchanged. It is the SES endpoint the SDK talks to.
 *
 * Verification: an identity is created PENDING; the first GetEmailIdentity after that settles it,
 * FAILED for a name ending in `.invalid` (RFC 2606) and SUCCESS for any other, DKIM and MAIL FROM
 * alike. So a create answers `pending` and the first verify `verified` (or `failed`), as in SES
 * once DNS is published, without waiting.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  request as forwardRequest,
  type Server,
  type ServerResponse,
} from 'node:http';

type Status = 'PENDING' | 'SUCCESS' | 'FAILED';

interface Identity {
  readonly name: string;
  readonly type: 'DOMAIN' | 'EMAIL_ADDRESS';
  status: Status;
  readonly tokens: readonly string[];
  readonly configurationSetName?: string;
  mailFrom?: { domain: string; behaviorOnMxFailure: string; status: Status };
}

export interface SesIdentitiesOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** aws-ses-v2-local's address, which receives every request this server does not answer. */
  readonly upstream: string;
  /** Keeps identities across restarts (`npm start`); absent means in memory. */
  readonly file?: string;
}

export interface SesIdentitiesServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const FAILING_SUFFIX = '.invalid';
const IDENTITY_PATH = /^\/v2\/email\/identities\/([^/]+)(\/mail-from)?$/;

export async function startSesIdentities(options: SesIdentitiesOptions): Promise<SesIdentitiesServer> {
  const identities = load(options.file);
  const save = () => {
    if (!options.file) return;
    // Write then rename, so a crash mid-write never leaves half a file behind.
    writeFileSync(`${options.file}.tmp`, JSON.stringify([...identities.values()], null, 2));
    renameSync(`${options.file}.tmp`, options.file);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/v2/email/identities') {
      const body = await readJson(request);
      const name = typeof body.EmailIdentity === 'string' ? body.EmailIdentity.toLowerCase() : '';
      if (name === '') return answerError(response, 400, 'BadRequestException', 'EmailIdentity is required.');
      if (identities.has(name)) {
        return answerError(response, 400, 'AlreadyExistsException', `Email identity ${name} already exist.`);
      }
      const identity: Identity = {
        name,
        type: name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
        status: 'PENDING',
        tokens: [dkimToken(), dkimToken(), dkimToken()],
        ...(typeof body.ConfigurationSetName === 'string'
          ? { configurationSetName: body.ConfigurationSetName }
          : {}),
      };
      identities.set(name, identity);
      save();
      return answer(response, 200, {
        IdentityType: identity.type,
        VerifiedForSendingStatus: false,
        DkimAttributes: dkimAttributes(identity),
      });
    }
    if (method === 'POST' && url.pathname === '/v2/email/list-identities') {
      const body = await readJson(request);
      const all = [...identities.values()].sort((a, b) => a.name.localeCompare(b.name));
      const start = typeof body.NextToken === 'string' ? Number(body.NextToken) || 0 : 0;
      const size = typeof body.PageSize === 'number' && body.PageSize > 0 ? body.PageSize : 1000;
      const page = all.slice(start, start + size);
      return answer(response, 200, {
        EmailIdentities: page.map((identity) => ({
          IdentityType: identity.type,
          IdentityName: identity.name,
          SendingEnabled: identity.status === 'SUCCESS',
          VerificationStatus: identity.status,
        })),
        ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
      });
    }
    const match = IDENTITY_PATH.exec(url.pathname);
    if (!match) return false;
    const name = decodeURIComponent(match[1] ?? '').toLowerCase();
    const identity = identities.get(name);
    if (!identity)
      return answerError(response, 404, 'NotFoundException', `Email identity ${name} does not exist.`);
    if (match[2] && method === 'PUT') {
      const body = await readJson(request);
      identity.mailFrom = {
        domain: String(body.MailFromDomain ?? ''),
        behaviorOnMxFailure: String(body.BehaviorOnMxFailure ?? 'USE_DEFAULT_VALUE'),
        status: identity.status,
      };
      save();
      return answer(response, 200, {});
    }
    if (!match[2] && method === 'GET') {
      settle(identity);
      save();
      return answer(response, 200, {
        IdentityType: identity.type,
        FeedbackForwardingStatus: true,
        VerifiedForSendingStatus: identity.status === 'SUCCESS',
        DkimAttributes: dkimAttributes(identity),
        ...(identity.mailFrom
          ? {
              MailFromAttributes: {
                MailFromDomain: identity.mailFrom.domain,
                MailFromDomainStatus: identity.mailFrom.status,
                BehaviorOnMxFailure: identity.mailFrom.behaviorOnMxFailure,
              },
            }
          : {}),
        Policies: {},
        Tags: [],
        ...(identity.configurationSetName ? { ConfigurationSetName: identity.configurationSetName } : {}),
        VerificationStatus: identity.status,
      });
    }
    if (!match[2] && method === 'DELETE') {
      identities.delete(name);
      save();
      return answer(response, 200, {});
    }
    return false;
  };

  const server = createServer((request, response) => {
    handle(request, response)
      .then((handled) => {
        if (!handled) forward(options.upstream, request, response);
      })
      .catch((error: unknown) => {
        if (!response.headersSent) answerError(response, 400, 'BadRequestException', String(error));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { endpoint: `http://${options.host}:${port}`, stop: () => close(server) };
}

/** The first read after create settles the identity: `.invalid` fails, any other name verifies. */
function settle(identity: Identity): void {
  if (identity.status !== 'PENDING') return;
  identity.status = identity.name.endsWith(FAILING_SUFFIX) ? 'FAILED' : 'SUCCESS';
  if (identity.mailFrom) identity.mailFrom.status = identity.status;
}

function dkimAttributes(identity: Identity) {
  return {
    SigningEnabled: true,
    Status: identity.status,
    Tokens: [...identity.tokens],
    SigningAttributesOrigin: 'AWS_SES',
    NextSigningKeyLength: 'RSA_2048_BIT',
    CurrentSigningKeyLength: 'RSA_2048_BIT',
  };
}

/** Like SES's: 32 characters of lower-case letters and digits. */
function dkimToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(32)].map((byte) => alphabet[byte % 32]).join('');
}

function load(file: string | undefined): Map<string, Identity> {
  if (!file) return new Map();
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Identity[];
    return new Map(stored.map((identity) => [identity.name, identity]));
  } catch {
    // No file yet (first start, or a data folder from before this stand-in): start empty.
    return new Map();
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function answer(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
  return true;
}

/** SES v2's REST JSON errors: the SDK reads the error's name from `x-amzn-ErrorType`. */
function answerError(response: ServerResponse, status: number, type: string, message: string): true {
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-ErrorType': type });
  response.end(JSON.stringify({ message }));
  return true;
}

function forward(upstream: string, request: IncomingMessage, response: ServerResponse): void {
  const target = new URL(request.url ?? '/', upstream);
  const outgoing = forwardRequest(
    target,
    { method: request.method, headers: { ...request.headers, host: target.host } },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent)
      answerError(response, 502, 'InternalFailure', 'The local SES is not answering.');
    else response.destroy();
  });
  request.pipe(outgoing);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
