import { describe, expect, it } from 'vitest';
import { dynamoTargetFromEnv, regionalEndpoint } from '../../lambdas/dynamo/target.js';

describe('dynamoTargetFromEnv: what Lambda provides', () => {
  it.each([
    [{ AWS_REGION: 'eu-west-1' }, 'https://dynamodb.eu-west-1.amazonaws.com/'],
    [{ AWS_DEFAULT_REGION: 'us-east-2' }, 'https://dynamodb.us-east-2.amazonaws.com/'],
    [{ AWS_REGION: 'cn-north-1' }, 'https://dynamodb.cn-north-1.amazonaws.com.cn/'],
    [{ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' }, 'http://127.0.0.1:9000/'],
    [
      {
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      },
      'http://127.0.0.1:8000/',
    ],
  ])('%j → %s', (env, endpoint) => {
    expect(dynamoTargetFromEnv(env).endpoint.href).toBe(endpoint);
  });

  it('refuses to start without a region', () => {
    expect(() => dynamoTargetFromEnv({})).toThrow('AWS_REGION is not set');
  });

  it('reads the role credentials and the session token on every call', () => {
    const env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1' };
    const target = dynamoTargetFromEnv(env);
    expect(() => target.credentials()).toThrow('no AWS credentials in the environment');
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(target.credentials()).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
    env.AWS_SESSION_TOKEN = '';
    expect(target.credentials()).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: undefined,
    });
  });
});

describe('regionalEndpoint', () => {
  it('is DynamoDB in that region, over https', () => {
    expect(regionalEndpoint('ap-southeast-2').href).toBe('https://dynamodb.ap-southeast-2.amazonaws.com/');
  });
});
