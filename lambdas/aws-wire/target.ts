/**
 * Where an AWS client sends its calls and whose credentials sign them. Deployed, Lambda provides both
 * in the environment; the local stack and the tests name the local stand-ins and their fixed
 * credentials; the CLI resolves the user's credential chain (cli/target.ts).
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** Asked on every call, so credentials that change under the process are picked up. */
export type CredentialSource = () => AwsCredentials | Promise<AwsCredentials>;

export interface AwsTarget {
  readonly endpoint: URL;
  readonly region: string;
  readonly credentials: CredentialSource;
}

/** How a service is found: its endpoint's host prefix and the SDK's name for its endpoint variable. */
export interface ServiceAddress {
  /** `dynamodb`, `email`, `sms-voice`, `social-messaging`: the first label of the regional host. */
  readonly hostPrefix: string;
  /** `DYNAMODB`, `SESV2`, …: AWS_ENDPOINT_URL_<this> overrides the endpoint, as the SDK reads it. */
  readonly endpointVariable: string;
}

/** The service's public endpoint in `region` (China's regions are under their own domain). */
export function serviceEndpoint(hostPrefix: string, region: string): URL {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${hostPrefix}.${region}.${domain}`);
}

/**
 * Region, endpoint and credentials as Lambda provides them: AWS_REGION, the role's
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and the SDK's endpoint overrides
 * AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL.
 */
export function targetFromEnv(service: ServiceAddress, env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const endpoint = env[`AWS_ENDPOINT_URL_${service.endpointVariable}`] ?? env.AWS_ENDPOINT_URL;
  return {
    endpoint: endpoint ? new URL(endpoint) : serviceEndpoint(service.hostPrefix, region),
    region,
    credentials: () => {
      const accessKeyId = env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
      // A missing credential fails the call (→ 503), never the module load.
      if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials in the environment');
      return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    },
  };
}
