/**
 * The logging the connector needs; pino loggers fit. Log lines carry operation names, statuses,
 * attempts, delays and ids: never tokens, request bodies, filters or attribute values.
 */
export type ConcurLogFn = (fields: Record<string, unknown>, message: string) => void;

export interface ConcurLogger {
  debug?: ConcurLogFn;
  info?: ConcurLogFn;
  warn?: ConcurLogFn;
  error?: ConcurLogFn;
}
