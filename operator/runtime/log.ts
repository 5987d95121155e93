import { pino, type Logger as PinoLogger } from 'pino';
import { Writable } from 'node:stream';

/** The runtime's logger type: pino's, so child loggers and levels work as usual. */
export type Logger = PinoLogger;

export type LogFormat = 'json' | 'console';

export interface LogOptions {
  format?: LogFormat;
  debug?: boolean;
  /** Defaults to stderr, where the Go agent logs too. */
  destination?: NodeJS.WritableStream;
  /** The `logger` key of the root logger. */
  name?: string;
}

/** Parses a --log-format value case-insensitively, as the Go agent does ("json" | "console"). */
export function parseLogFormat(value: string): LogFormat {
  const v = value.toLowerCase();
  if (v === 'json' || v === 'console') return v;
  throw new Error(`invalid format '${value}'`);
}

/** "2026-11-21T20:11:09.123Z 	INFO	logger	msg	{"k":"v"}", zap's console encoder shape. */
function consoleLine(rec: Record<string, unknown>): string {
  const { time, level, logger, msg, ...rest } = rec;
  const fields = Object.keys(rest).length > 0 ? `\t${JSON.stringify(rest)}` : '';
  const name = typeof logger === 'string' && logger !== '' ? `\t${logger}` : '';
  return `${String(time)}\t${String(level).toUpperCase()}${name}\t${String(msg ?? '')}${fields}\n`;
}

/** Renders an error value as zap does: the message as a string (`error`), the stack separately. */
function errorFields(value: unknown): { error: unknown; errorVerbose?: string } {
  if (value instanceof Error) {
    return value.stack ? { error: value.message, errorVerbose: value.stack } : { error: value.message };
  }
  return { error: value };
}

/**
 * The fields of one record with errors under the Go agent's key: `error` (a string), never `err`,
 * so log queries written for the Go agent keep working. Call sites may log `{ err }` or `{ error }`,
 * or pass an Error as the first argument (pino's errorKey is `error`).
 */
export function goErrorKeys(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('err' in fields) && !(fields.error instanceof Error)) return fields;
  const { err, error, ...rest } = fields;
  const value = error !== undefined ? error : err;
  const out: Record<string, unknown> = { ...rest, ...errorFields(value) };
  // Both keys given (unusual): keep the second one instead of dropping it.
  if (err !== undefined && error !== undefined) out.cause = err instanceof Error ? err.message : err;
  return out;
}

/**
 * Creates the root logger: JSON lines (default) or console lines on stderr, keys `time` (ISO 8601),
 * `level` (label), `logger`, `msg`. Child loggers set `logger` via logger.child({ logger: 'name' }).
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const dest = opts.destination ?? process.stderr;
  const level = opts.debug ? 'debug' : 'info';
  const base = {
    level,
    base: opts.name ? { logger: opts.name } : {},
    messageKey: 'msg',
    errorKey: 'error',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }), log: goErrorKeys },
  };
  if ((opts.format ?? 'json') === 'json') return pino(base, dest as pino.DestinationStream);
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          dest.write(consoleLine(JSON.parse(line) as Record<string, unknown>));
        } catch {
          dest.write(line + '\n');
        }
      }
      cb();
    },
  });
  return pino(base, stream);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
