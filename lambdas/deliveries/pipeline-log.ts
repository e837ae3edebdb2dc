/** What the delivery pipeline logs through: Powertools' Logger deployed, a console line locally. */
export interface PipelineLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
