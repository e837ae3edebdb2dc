/**
 * Wires the real authorizer and service handlers to local clients — the same factories the Lambda
 * entry points (lambdas/<service>/handler.ts) call, with local endpoints instead of env-configured ones.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { accountRoutes } from '../lambdas/account/routes.js';
import { type AuthorizerLog, createAuthorizer } from '../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../lambdas/authorizer/key-store.js';
import type { KeyEnvironment } from '../lambdas/core/api-key.js';
import { createServiceHandler } from '../lambdas/core/http.js';
import { createDocumentClient } from '../lambdas/aws-clients.js';
import { sendingRoutes } from '../lambdas/sending/routes.js';
import { sesSender } from '../lambdas/sending/ses-sender.js';
import { webhooksRoutes } from '../lambdas/webhooks/routes.js';
import type { GatewayOptions } from './gateway.js';
import type { TableNames } from './tables.js';

/** Local receivers run on this machine (http://127.0.0.1:…); nothing else private is allowed. */
export const LOCAL_WEBHOOK_URL_POLICY = { requireHttps: false, allowLoopback: true } as const;

export interface LocalHandlerDependencies {
  /** From `dynamoClient` / `createDynamoClient`: the authorizer reads through it, the services wrap it. */
  readonly dynamo: DynamoDBClient;
  readonly ses: SESv2Client;
  readonly tables: TableNames;
  readonly environment: KeyEnvironment;
  readonly log: AuthorizerLog;
  readonly now?: () => Date;
}

export function localHandlers(
  deps: LocalHandlerDependencies,
): Pick<GatewayOptions, 'authorizer' | 'services'> {
  const now = deps.now ?? (() => new Date());
  const dataTable = deps.tables.data;
  const documents = createDocumentClient(deps.dynamo);
  return {
    authorizer: createAuthorizer({
      environment: deps.environment,
      getKeyItem: keyItemReader(deps.dynamo, deps.tables.apiKeys),
      log: deps.log,
      now,
    }),
    services: {
      sending: createServiceHandler(
        'sending',
        sendingRoutes({
          documents,
          dataTable,
          now,
          send: sesSender(deps.ses),
          log: deps.log,
        }),
        deps.log,
      ),
      account: createServiceHandler('account', accountRoutes({ documents, dataTable }), deps.log),
      webhooks: createServiceHandler(
        'webhooks',
        // The local stack delivers to receivers on this machine: http on loopback is allowed.
        webhooksRoutes({ documents, dataTable, now, urlPolicy: LOCAL_WEBHOOK_URL_POLICY }),
        deps.log,
      ),
    },
  };
}

/** A logger for local runs: warnings and errors as one line each, decisions only when asked for. */
export function consoleLog(options: { verbose: boolean }): AuthorizerLog {
  const line = (level: string, message: string, extra: Record<string, unknown>[]) =>
    `${level} ${message}${extra.length > 0 ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}`;
  return {
    info: (message, ...extra) => {
      if (options.verbose) console.log(line('info', message, extra));
    },
    warn: (message, ...extra) => console.warn(line('warn', message, extra)),
    error: (message, ...extra) => console.error(line('error', message, extra)),
  };
}

export const silentLog: AuthorizerLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
