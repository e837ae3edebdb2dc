/** Latency statistics over nanosecond samples taken with `process.hrtime.bigint()`. */

export interface Latency {
  readonly samples: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly meanNs: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('no samples');
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

export function summarise(samplesNs: Float64Array): Latency {
  const sorted = Float64Array.from(samplesNs).sort();
  let total = 0;
  for (const sample of sorted) total += sample;
  return {
    samples: sorted.length,
    p50Ns: percentile(sorted, 50),
    p99Ns: percentile(sorted, 99),
    meanNs: total / sorted.length,
  };
}

/** Elapsed nanoseconds since `start` as a plain number (sub-second spans fit exactly). */
export function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

/** Rounds for the report: enough digits to compare, not so many that they read as precise. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
