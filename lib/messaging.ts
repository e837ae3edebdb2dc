/**
 * SMS and WhatsApp for the sending Lambda, from the stack's settings: the environment its handler
 * reads, exactly the two send grants, and the EventBridge rules that put each configured channel's
 * delivery events on the events queue (the one the SES events use; lambdas/provider-events tells them apart
 * by source). A channel without its setting gets none of these, and its route answers 503
 * `channel_not_configured`. Why EventBridge rather than SNS: docs/decisions/0017-sms-and-whatsapp.md.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  SMS_EVENT_DETAIL_TYPE,
  SMS_EVENT_SOURCE,
  WHATSAPP_EVENT_DETAIL_TYPES,
  WHATSAPP_EVENT_SOURCE,
} from '../lambdas/message-status/messaging-event.js';
import { SMS_SETTING, WHATSAPP_SETTING } from '../lambdas/messaging/messaging-channels.js';
import type { ScopegateFunction } from './scopegate-function.js';

export interface MessagingSettings {
  /** Origination identities (phone number, sender id, pool, their id or ARN); the first is the default. */
  readonly smsOriginationIdentities?: readonly string[];
  /** End User Messaging Social phone number id (`phone-number-id-…`) or its ARN. */
  readonly whatsappPhoneNumberId?: string;
}

export interface MessagingProps extends MessagingSettings {
  readonly sending: ScopegateFunction;
  /** The events queue and its dead-letter queue (lib/ses-events.ts). */
  readonly eventsQueue: sqs.IQueue;
  readonly eventsDeadLetterQueue: sqs.IQueue;
}

export class Messaging extends Construct {
  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const identities = props.smsOriginationIdentities ?? [];
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    const target = new targets.SqsQueue(props.eventsQueue, { deadLetterQueue: props.eventsDeadLetterQueue });
    if (identities.length > 0) {
      props.sending.function.addEnvironment(SMS_SETTING.env, identities.join(','));
      props.sending.role.addToPrincipalPolicy(smsSendStatement(this, identities));
      new events.Rule(this, 'SmsEvents', {
        description: 'scopegate: SMS delivery events, to the events queue',
        eventBus: bus,
        eventPattern: { source: [SMS_EVENT_SOURCE], detailType: [SMS_EVENT_DETAIL_TYPE] },
        targets: [target],
      });
      if (identities.some((identity) => !identity.startsWith('arn:'))) {
        Validations.of(props.sending.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:*]`,
          reason:
            'An origination identity given as a phone number or sender id has no ARN to derive; SendTextMessage is limited to this account and region.',
        });
      }
    }
    if (props.whatsappPhoneNumberId) {
      props.sending.function.addEnvironment(WHATSAPP_SETTING.env, props.whatsappPhoneNumberId);
      props.sending.role.addToPrincipalPolicy(whatsappSendStatement(this, props.whatsappPhoneNumberId));
      new events.Rule(this, 'WhatsappEvents', {
        description: 'scopegate: WhatsApp message status events, to the events queue',
        eventBus: bus,
        eventPattern: { source: [WHATSAPP_EVENT_SOURCE], detailType: [...WHATSAPP_EVENT_DETAIL_TYPES] },
        targets: [target],
      });
    }
  }
}

/**
 * sms-voice:SendTextMessage on the configured identities: an ARN as given, anything else (a number,
 * a sender id, an id) on this account and region's End User Messaging SMS resources.
 */
function smsSendStatement(scope: Construct, identities: readonly string[]): iam.PolicyStatement {
  const stack = Stack.of(scope);
  const arns = identities.filter((identity) => identity.startsWith('arn:'));
  const resources =
    arns.length === identities.length
      ? arns
      : [...arns, stack.formatArn({ service: 'sms-voice', resource: '*' })].filter(unique);
  return new iam.PolicyStatement({ actions: ['sms-voice:SendTextMessage'], resources });
}

/** social-messaging:SendWhatsAppMessage on the configured phone number id only. */
function whatsappSendStatement(scope: Construct, phoneNumberId: string): iam.PolicyStatement {
  const resource = phoneNumberId.startsWith('arn:')
    ? phoneNumberId
    : Stack.of(scope).formatArn({
        service: 'social-messaging',
        resource: 'phone-number-id',
        resourceName: phoneNumberId.replace(/^phone-number-id-/, ''),
      });
  return new iam.PolicyStatement({
    actions: ['social-messaging:SendWhatsAppMessage'],
    resources: [resource],
  });
}

function unique<T>(value: T, index: number, list: readonly T[]): boolean {
  return list.indexOf(value) === index;
}
