/**
 * SMS and WhatsApp in the stack: read from context, the sending Lambda's environment and exactly
 * its two send grants, the rules that bring the delivery events to the events queue, and nothing of
 * it when the settings are absent.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAppConfig } from '../../../lib/app-config.js';
import { ScopegateStack } from '../../../lib/scopegate-stack.js';
import {
  actionsOf,
  logicalIdOf,
  type PolicyStatement,
  propertiesOf,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
  testApp,
} from '../template.js';

const SETTINGS = {
  smsOriginationIdentities: ['+12065550100', 'SENDER'],
  whatsappPhoneNumberId: 'phone-number-id-abc123',
};

let configured: Synthesized;
let bare: Synthesized;
beforeAll(() => {
  configured = synthesize(SETTINGS);
  bare = synthesize();
});

const sendingStatements = (synthesized: Synthesized): PolicyStatement[] =>
  roleStatements(synthesized.template, logicalIdOf(synthesized.stack.services.functions.sending.role));
const messagingStatements = (synthesized: Synthesized) =>
  sendingStatements(synthesized).filter((statement) =>
    actionsOf(statement).some((action) => /^(sms-voice|social-messaging):/.test(action)),
  );
const environmentOf = (synthesized: Synthesized) =>
  (
    propertiesOf(
      synthesized.template,
      'AWS::Lambda::Function',
      synthesized.stack.services.functions.sending.function,
    ).Environment as { Variables: Record<string, unknown> }
  ).Variables;
const messagingRules = (synthesized: Synthesized) =>
  // Schedules (the expiring-keys job) have no event pattern: they are never messaging rules.
  Object.values(resourcesOfType(synthesized.template, 'AWS::Events::Rule')).filter((rule) =>
    /aws\.(sms-voice|social-messaging)/.test(JSON.stringify(rule.Properties.EventPattern ?? {})),
  );
const arn = (service: string, rest: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:${service}:`,
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      rest,
    ],
  ],
});

describe('with smsOriginationIdentity and whatsappPhoneNumberId', () => {
  it('gives the sending Lambda exactly SendTextMessage and SendWhatsAppMessage, on this account and region', () => {
    expect(
      messagingStatements(configured).map((statement) => [actionsOf(statement), resourcesOf(statement)]),
    ).toEqual([
      [['sms-voice:SendTextMessage'], [arn('sms-voice', ':*')]],
      [['social-messaging:SendWhatsAppMessage'], [arn('social-messaging', ':phone-number-id/abc123')]],
    ]);
  });

  it('grants SendTextMessage on exactly the given ARNs when every identity is an ARN', () => {
    const phone = 'arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-1234';
    const whatsapp = 'arn:aws:social-messaging:eu-west-1:123456789012:phone-number-id/abc';
    const synthesized = synthesize({ smsOriginationIdentities: [phone], whatsappPhoneNumberId: whatsapp });
    expect(messagingStatements(synthesized).map(resourcesOf)).toEqual([[phone], [whatsapp]]);
  });

  it('hands the settings to the sending Lambda', () => {
    expect(environmentOf(configured)).toMatchObject({
      SMS_ORIGINATION_IDENTITY: '+12065550100,SENDER',
      WHATSAPP_PHONE_NUMBER_ID: 'phone-number-id-abc123',
    });
  });

  it('routes the SMS and WhatsApp delivery events of the default bus to the events queue', () => {
    const queue = logicalIdOf(configured.stack.sesEvents.queue);
    const rules = messagingRules(configured).map((rule) => ({
      pattern: rule.Properties.EventPattern,
      targets: (rule.Properties.Targets as { Arn: unknown }[]).map((target) => target.Arn),
    }));
    expect(rules).toEqual([
      {
        pattern: { source: ['aws.sms-voice'], 'detail-type': ['Text Message Delivery Status Updated'] },
        targets: [{ 'Fn::GetAtt': [queue, 'Arn'] }],
      },
      {
        pattern: {
          source: ['aws.social-messaging'],
          'detail-type': [
            'WhatsApp Message Sent',
            'WhatsApp Message Delivered',
            'WhatsApp Message Read',
            'WhatsApp Message Failed',
            'WhatsApp Message Undeliverable',
          ],
        },
        targets: [{ 'Fn::GetAtt': [queue, 'Arn'] }],
      },
    ]);
  });

  it('leaves cdk-nag with nothing to report', () => {
    const report = new AwsSolutionsChecks().validateScope(configured.stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('synthesises through the app as bin/app.ts wires it, nag included', () => {
    const app = testApp({
      context: { smsOriginationIdentity: '+12065550100', whatsappPhoneNumberId: 'phone-number-id-x' },
    });
    const { stackName: _name, ...props } = readAppConfig(app.node, {});
    new ScopegateStack(app, 'Messaging', props);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('without them', () => {
  it('grants no messaging action, sets no setting and adds no rule', () => {
    expect(messagingStatements(bare)).toEqual([]);
    expect(environmentOf(bare)).not.toHaveProperty('WHATSAPP_PHONE_NUMBER_ID');
    expect(environmentOf(bare)).not.toHaveProperty('SMS_ORIGINATION_IDENTITY');
    expect(messagingRules(bare)).toEqual([]);
  });
});

describe('readAppConfig: messaging settings', () => {
  const read = (context: Record<string, unknown>) => readAppConfig(testApp({ context }).node, {});

  it('reads both, trimmed and split on commas', () => {
    expect(
      read({ smsOriginationIdentity: ' +12065550100, SENDER ', whatsappPhoneNumberId: 'phone-number-id-1' }),
    ).toMatchObject({
      smsOriginationIdentities: ['+12065550100', 'SENDER'],
      whatsappPhoneNumberId: 'phone-number-id-1',
    });
  });

  it('leaves both out when absent', () => {
    const config = read({});
    expect(config.smsOriginationIdentities).toBeUndefined();
    expect(config.whatsappPhoneNumberId).toBeUndefined();
  });

  it.each([
    [{ smsOriginationIdentity: '' }, /smsOriginationIdentity must be/],
    [{ smsOriginationIdentity: ' , ' }, /smsOriginationIdentity must be/],
    [{ smsOriginationIdentity: 'SEND ER' }, /smsOriginationIdentity must be/],
    [{ smsOriginationIdentity: 12065550100 }, /smsOriginationIdentity must be/],
    [{ whatsappPhoneNumberId: '' }, /whatsappPhoneNumberId must be/],
    [{ whatsappPhoneNumberId: 'phone number' }, /whatsappPhoneNumberId must be/],
  ])('refuses %j, naming the setting', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});
