/**
 * Wires the real authorizer and service handlers to local clients — the same factories the Lambda
 * entry points (lambdas/<service>/handler.ts) call, with local endpoints instead of env-configured ones.
 */
import { accountRoutes } from '../lambdas/account/route-handlers.js';
import { audienceRoutes } from '../lambdas/audience/route-handlers.js';
import type { BroadcastQueue } from '../lambdas/broadcasts/queue.js';
import { broadcastsRoutes } from '../lambdas/broadcasts/route-handlers.js';
import { type AuthorizerLog, createAuthorizer } from '../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../lambdas/authorizer/key-store.js';
import type { KeyEnvironment } from '../lambdas/keys/api-key.js';
import { createServiceHandler, frameDependencies } from '../lambdas/http/frame.js';
import { createSmsClient, createSocialMessagingClient } from '../lambdas/aws/aws-clients.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { domainsRoutes } from '../lambdas/domains/route-handlers.js';
import type { EventsDependencies } from '../lambdas/provider-events/process.js';
import { type SendingServiceDependencies, sendingRoutes } from '../lambdas/sending/route-handlers.js';
import { suppressionsRoutes } from '../lambdas/suppressions/route-handlers.js';
import { unsubscribePagesHandler } from '../lambdas/unsubscribe/pages.js';
import { sesSender } from '../lambdas/sending/ses-sender.js';
import { smsSender } from '../lambdas/messaging/sms-sender.js';
import { whatsappSender } from '../lambdas/messaging/whatsapp-sender.js';
import { LOCAL, LOCAL_REGION, localTarget } from './config.js';
import { withLocalSmsEvents, withLocalWhatsappEvents } from './messaging-feed.js';
import { templatesRoutes } from '../lambdas/templates/route-handlers.js';
import { webhooksRoutes } from '../lambdas/webhooks/route-handlers.js';
import { withLocalSesEvents } from './ses-events-feed.js';
import type { GatewayOptions } from './gateway.js';
import type { TableNames } from './tables.js';

/** Local receivers run on this machine (http://127.0.0.1:…); nothing else private is allowed. */
export const LOCAL_WEBHOOK_URL_POLICY = { requireHttps: false, allowLoopback: true } as const;

export interface LocalHandlerDependencies {
  /**
   * From `localDocuments` (local/services.ts) or `createDocumentClient`: the services and the
   * authorizer share it, as each deployed Lambda holds the same client.
   */
  readonly documents: Documents;
  readonly ses: SESv2Client;
  readonly tables: TableNames;
  readonly environment: KeyEnvironment;
  readonly log: AuthorizerLog;
  readonly now?: () => Date;
  /** With the authorizer cache on, an Allow policy covers every route the key may call. */
  readonly coverAllRoutes?: boolean;
  /** The SMS and WhatsApp stand-in (local/messaging.ts); absent, both channels are not configured. */
  readonly messagingEndpoint?: string;
  /** The broadcast queue (local/broadcast-sender.ts); absent, sending a broadcast answers 503. */
  readonly broadcastQueue?: BroadcastQueue;
}

export function localHandlers(
  deps: LocalHandlerDependencies,
): Pick<GatewayOptions, 'authorizer' | 'services' | 'unsubscribePages'> {
  const now = deps.now ?? (() => new Date());
  const dataTable = deps.tables.data;
  const { documents } = deps;
  // The same frame as deployed: rate-limit windows and the audit log in the Data table.
  const frame = frameDependencies({ documents, dataTable, now });
  return {
    // The public unsubscribe pages: the same handler as the deployed Lambda, without a key.
    unsubscribePages: unsubscribePagesHandler({ documents, dataTable, now }, deps.log),
    authorizer: createAuthorizer({
      environment: deps.environment,
      getKeyItem: keyItemReader(documents, deps.tables.apiKeys),
      log: deps.log,
      now,
      coverAllRoutes: deps.coverAllRoutes ?? false,
    }),
    services: {
      sending: createServiceHandler(
        'sending',
        sendingRoutes({
          documents,
          dataTable,
          now,
          // Every accepted email produces SES's events locally, fed to the deployed events code.
          send: withLocalSesEvents(sesSender(deps.ses), { documents, dataTable, now }, deps.log),
          ...localMessagingChannels(deps.messagingEndpoint, { documents, dataTable, now }, deps.log),
          log: deps.log,
        }),
        deps.log,
        frame,
      ),
      account: createServiceHandler(
        'account',
        accountRoutes({
          documents,
          dataTable,
          apiKeysTable: deps.tables.apiKeys,
          environment: deps.environment,
          now,
        }),
        deps.log,
        frame,
      ),
      domains: createServiceHandler(
        'domains',
        // `.invalid` names are accepted here only, so that a failed verification can be tried.
        domainsRoutes({
          documents,
          dataTable,
          ses: deps.ses,
          region: LOCAL_REGION,
          now,
          allowInvalidTld: true,
        }),
        deps.log,
        frame,
      ),
      templates: createServiceHandler(
        'templates',
        templatesRoutes({ documents, dataTable, now }),
        deps.log,
        frame,
      ),
      webhooks: createServiceHandler(
        'webhooks',
        // The local stack delivers to receivers on this machine: http on loopback is allowed.
        webhooksRoutes({ documents, dataTable, now, urlPolicy: LOCAL_WEBHOOK_URL_POLICY }),
        deps.log,
        frame,
      ),
      audience: createServiceHandler(
        'audience',
        audienceRoutes({ documents, dataTable, now }),
        deps.log,
        frame,
      ),
      suppressions: createServiceHandler(
        'suppressions',
        suppressionsRoutes({ documents, dataTable, now }),
        deps.log,
        frame,
      ),
      broadcasts: createServiceHandler(
        'broadcasts',
        broadcastsRoutes({ documents, dataTable, now, queue: deps.broadcastQueue }),
        deps.log,
        frame,
      ),
    },
  };
}

/**
 * SMS and WhatsApp through the same SDK clients and senders as deployed, pointed at the stand-in,
 * with the stand-in's settings; every accepted message produces its delivery events locally.
 */
function localMessagingChannels(
  endpoint: string | undefined,
  events: EventsDependencies,
  log: AuthorizerLog,
): Pick<SendingServiceDependencies, 'sms' | 'whatsapp'> {
  if (!endpoint) return {};
  const target = localTarget(endpoint);
  return {
    sms: {
      originationIdentities: [LOCAL.smsOriginationIdentity],
      send: withLocalSmsEvents(smsSender(createSmsClient(target)), events, log),
    },
    whatsapp: {
      phoneNumberId: LOCAL.whatsappPhoneNumberId,
      send: withLocalWhatsappEvents(whatsappSender(createSocialMessagingClient(target)), events, log),
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
