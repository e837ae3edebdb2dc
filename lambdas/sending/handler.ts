/** The sending service: emails through SES, SMS and WhatsApp through AWS End User Messaging. */

import { Logger } from '@aws-lambda-powertools/logger';
import {
  createDocumentClient,
  createSesClient,
  createSmsClient,
  createSocialMessagingClient,
} from '../aws/aws-clients.js';
import { configurationSetsFromEnv } from '../domains/email-tracking.js';
import { requireEnv } from '../aws/env.js';
import { createServiceHandler, frameDependencies } from '../http/frame.js';
import { settingList, SMS_SETTING, WHATSAPP_SETTING } from '../messaging/messaging-channels.js';
import { sendingRoutes } from './route-handlers.js';
import { sesSender } from './ses-sender.js';
import { smsSender } from '../messaging/sms-sender.js';
import { whatsappSender } from '../messaging/whatsapp-sender.js';

const logger = new Logger({ serviceName: 'scopegate-sending' });
const documents = createDocumentClient();
const ses = createSesClient();
// A channel whose setting is absent gets no client: its route answers 503 channel_not_configured.
const smsOriginationIdentities = settingList(process.env[SMS_SETTING.env]);
const whatsappPhoneNumberId = process.env[WHATSAPP_SETTING.env] ?? '';

// What the frame writes: rate-limit windows and the audit log (lambdas/http/frame.ts).
const frame = frameDependencies({ documents, dataTable: requireEnv('DATA_TABLE'), now: () => new Date() });

export const handler = createServiceHandler(
  'sending',
  {
    ...sendingRoutes({
      documents,
      dataTable: requireEnv('DATA_TABLE'),
      now: () => new Date(),
      send: sesSender(ses, configurationSetsFromEnv(process.env)),
      sms:
        smsOriginationIdentities.length > 0
          ? {
              originationIdentities: smsOriginationIdentities,
              send: smsSender(createSmsClient()),
            }
          : undefined,
      whatsapp:
        whatsappPhoneNumberId !== ''
          ? { phoneNumberId: whatsappPhoneNumberId, send: whatsappSender(createSocialMessagingClient()) }
          : undefined,
      log: logger,
    }),
  },
  logger,
  frame,
);
