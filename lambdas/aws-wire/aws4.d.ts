/** The one function of `aws4` (no bundled types) that lambdas/aws-wire/signed-client.ts calls. */
declare module 'aws4' {
  export interface SignableRequest {
    host: string;
    path: string;
    method: string;
    service: string;
    region: string;
    headers: Record<string, string | number>;
    body: string;
  }
  export interface Credentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string | undefined;
  }
  /** Adds Host, Content-Length, X-Amz-Date, X-Amz-Security-Token and Authorization to `request.headers`. */
  export function sign<T extends SignableRequest>(request: T, credentials: Credentials): T;
  const aws4: { sign: typeof sign };
  export default aws4;
}
