import pino, { DestinationStream, Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { activeTraceIds } from '../tracing/trace-context';
import { currentLogFields } from './log-context';
import { scrub } from './scrub';

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

/** Fields that could carry a secret or a person's data, should an object holding one ever be logged. */
const REDACTED = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'password',
  'token',
  'email',
  'variables',
  '*.password',
  '*.token',
  '*.email',
  '*.variables',
];

/**
 * The process's logger: one JSON object a line (or pino-pretty's lines), each carrying the ids of
 * the request or event being handled and the active trace, whichever code logs it.
 */
export function createRootLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const stream =
    destination ??
    (settings.format === 'pretty'
      ? pinoPretty({
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,context',
          messageFormat: '{if context}[{context}] {end}{msg}',
          sync: true,
        })
      : undefined);
  const options: pino.LoggerOptions = {
    level: settings.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED, censor: '[redacted]' },
    mixin: () => ({ ...currentLogFields(), ...activeTraceIds() }),
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
  return stream ? pino(options, stream) : pino(options);
}
