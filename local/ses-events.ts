/**
 * The SES events the local stack makes up for an email the local SES accepted: the same JSON SES
 * publishes through a configuration set, so the deployed events code reads them unchanged. Every
 * recipient is delivered, except SES's mailbox-simulator addresses, which behave as they do in SES.
 * A delivered recipient then opens and clicks, as far as the from domain's tracking publishes those
 * events (off by default, as the deployed configuration sets do). Pure: the caller gives the time.
 */
import { type EmailTracking, NO_TRACKING } from '../lambdas/domains/email-tracking.js';

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

type Outcome = 'delivery' | 'bounce' | 'suppressed' | 'complaint' | 'open' | 'click';

/** The link a local Click event reports. */
export const LOCAL_CLICKED_LINK = 'https://example.com/';

/** What each simulator mailbox does; any other address is delivered. */
const SIMULATOR_OUTCOMES: Readonly<Record<string, readonly Outcome[]>> = {
  [`bounce@${SIMULATOR_DOMAIN}`]: ['bounce'],
  [`suppressionlist@${SIMULATOR_DOMAIN}`]: ['suppressed'],
  [`complaint@${SIMULATOR_DOMAIN}`]: ['delivery', 'complaint'],
  [`ooto@${SIMULATOR_DOMAIN}`]: ['delivery'],
};

export interface AcceptedEmail {
  readonly messageId: string;
  /** The bare sender address. */
  readonly from: string;
  /** Bare addresses of every recipient (to, cc and bcc). */
  readonly recipients: readonly string[];
  readonly tags: readonly { readonly name: string; readonly value: string }[];
  readonly configurationSetName?: string | undefined;
  /** The from domain's tracking: Open and Click events only when it is on. */
  readonly tracking?: EmailTracking | undefined;
}

export type SesEventJson = Record<string, unknown> & { readonly eventType: string };

/** Send, then each recipient's outcome, each a millisecond after the one before (so their order is stable). */
export function sesEventsFor(email: AcceptedEmail, acceptedAt: Date): SesEventJson[] {
  let tick = 1;
  const at = () => new Date(acceptedAt.getTime() + tick++).toISOString();
  const mail = mailObject(email, acceptedAt.toISOString());
  const events: SesEventJson[] = [{ eventType: 'Send', mail, send: {} }];
  const tracking = email.tracking ?? NO_TRACKING;
  const engagement: Outcome[] = [
    ...(tracking.open ? ['open' as const] : []),
    ...(tracking.click ? ['click' as const] : []),
  ];
  for (const recipient of email.recipients) {
    const outcomes = outcomesOf(recipient);
    const delivered = outcomes.includes('delivery') ? engagement : [];
    for (const outcome of [...outcomes, ...delivered]) events.push(eventOf(outcome, recipient, mail, at()));
  }
  return events;
}

/** As in SES, a simulator address may carry a label (`bounce+anything@…`) and behaves the same. */
export function outcomesOf(recipient: string): readonly Outcome[] {
  const unlabelled = recipient.toLowerCase().replace(/^([^@+]+)\+[^@]*@/, '$1@');
  return SIMULATOR_OUTCOMES[unlabelled] ?? ['delivery'];
}

function eventOf(
  outcome: Outcome,
  recipient: string,
  mail: Record<string, unknown>,
  timestamp: string,
): SesEventJson {
  switch (outcome) {
    case 'delivery':
      return {
        eventType: 'Delivery',
        mail,
        delivery: {
          timestamp,
          processingTimeMillis: 1,
          recipients: [recipient],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: 'local.scopegate',
        },
      };
    case 'bounce':
    case 'suppressed':
      return {
        eventType: 'Bounce',
        mail,
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: outcome === 'suppressed' ? 'Suppressed' : 'General',
          bouncedRecipients: [
            {
              emailAddress: recipient,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode:
                outcome === 'suppressed'
                  ? 'Amazon SES has suppressed sending to this address because it is on the suppression list.'
                  : 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp,
          feedbackId: `${timestamp}-bounce`,
          reportingMTA: 'dns; local.scopegate',
        },
      };
    case 'open':
      return {
        eventType: 'Open',
        mail,
        open: { ipAddress: '127.0.0.1', timestamp, userAgent: 'scopegate-local' },
      };
    case 'click':
      return {
        eventType: 'Click',
        mail,
        click: {
          ipAddress: '127.0.0.1',
          timestamp,
          userAgent: 'scopegate-local',
          link: LOCAL_CLICKED_LINK,
          linkTags: {},
        },
      };
    case 'complaint':
      return {
        eventType: 'Complaint',
        mail,
        complaint: {
          complainedRecipients: [{ emailAddress: recipient }],
          timestamp,
          feedbackId: `${timestamp}-complaint`,
          complaintFeedbackType: 'abuse',
          complaintSubType: null,
        },
      };
  }
}

function mailObject(email: AcceptedEmail, timestamp: string): Record<string, unknown> {
  const tags: Record<string, string[]> = { 'ses:from-domain': [email.from.split('@').pop() ?? ''] };
  if (email.configurationSetName) tags['ses:configuration-set'] = [email.configurationSetName];
  for (const { name, value } of email.tags) tags[name] = [value];
  return {
    timestamp,
    source: email.from,
    sendingAccountId: '000000000000',
    messageId: email.messageId,
    destination: [...email.recipients],
    headersTruncated: false,
    tags,
  };
}
