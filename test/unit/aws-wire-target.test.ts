import { describe, expect, it } from 'vitest';
import { SES_ADDRESS } from '../../lambdas/aws-wire/ses-client.js';
import { SMS_ADDRESS } from '../../lambdas/aws-wire/sms-client.js';
import { SOCIAL_MESSAGING_ADDRESS } from '../../lambdas/aws-wire/social-messaging-client.js';
import { targetFromEnv } from '../../lambdas/aws-wire/target.js';

describe('targetFromEnv for SES, SMS and WhatsApp: what Lambda provides', () => {
  it.each([
    [SES_ADDRESS, 'AWS_ENDPOINT_URL_SESV2', 'https://email.eu-west-1.amazonaws.com/'],
    [SMS_ADDRESS, 'AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', 'https://sms-voice.eu-west-1.amazonaws.com/'],
    [
      SOCIAL_MESSAGING_ADDRESS,
      'AWS_ENDPOINT_URL_SOCIALMESSAGING',
      'https://social-messaging.eu-west-1.amazonaws.com/',
    ],
  ])('%j: the regional host, AWS_ENDPOINT_URL, then its own %s over it', (address, variable, regional) => {
    expect(targetFromEnv(address, { AWS_REGION: 'eu-west-1' }).endpoint.href).toBe(regional);
    const general = { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' };
    expect(targetFromEnv(address, general).endpoint.href).toBe('http://127.0.0.1:9000/');
    const own = { ...general, [variable]: 'http://127.0.0.1:8005' };
    expect(targetFromEnv(address, own).endpoint.href).toBe('http://127.0.0.1:8005/');
    // Another service's variable is not this one's.
    expect(
      targetFromEnv(address, { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_DYNAMODB: 'http://x:1' }).endpoint
        .href,
    ).toBe(regional);
  });

  it("China's regions are under their own domain", () => {
    expect(targetFromEnv(SES_ADDRESS, { AWS_REGION: 'cn-north-1' }).endpoint.href).toBe(
      'https://email.cn-north-1.amazonaws.com.cn/',
    );
  });

  it('a missing credential fails the call, not the module load', () => {
    const target = targetFromEnv(SMS_ADDRESS, { AWS_REGION: 'eu-west-1' });
    expect(() => target.credentials()).toThrow('no AWS credentials in the environment');
  });
});
