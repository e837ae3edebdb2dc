/** The part of autocannon (no bundled types) that bench/load.ts uses. */
declare module 'autocannon' {
  export interface Options {
    url: string;
    connections: number;
    duration: number;
    headers?: Record<string, string>;
    /** Keep-alive connections, as API Gateway's clients mostly use. */
    pipelining?: number;
  }
  export interface Histogram {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
  }
  export interface Result {
    readonly requests: Histogram & { readonly total: number };
    readonly latency: Histogram;
    readonly errors: number;
    readonly timeouts: number;
    readonly '2xx': number;
    readonly '4xx': number;
    readonly '5xx': number;
    readonly non2xx: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
