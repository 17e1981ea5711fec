import { DynamicModule, INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { logHandledEventsTo } from './event-logging';
import { createRootLogger, LogLevel } from './root-logger';

/** A logger, or (as the Nest option it replaces) `false` for none, or the Nest levels wanted. */
export type LoggerOption = Logger | false | ('log' | 'error' | 'warn')[];

/** The logger the app writes through: the one given, or one made from the configuration. */
export function rootLoggerFor(config: AppConfig, option?: LoggerOption): Logger {
  if (option === undefined) return createRootLogger({ level: config.logLevel, format: config.logFormat });
  if (option === false) return createRootLogger({ level: 'silent', format: 'json' });
  if (Array.isArray(option)) return createRootLogger({ level: lowestOf(option), format: config.logFormat });
  return option;
}

const lowestOf = (levels: ('log' | 'error' | 'warn')[]): LogLevel =>
  levels.includes('log')
    ? 'info'
    : levels.includes('warn')
      ? 'warn'
      : levels.includes('error')
        ? 'error'
        : 'silent';

/** Nest's lines about wiring modules and routes, one per module and route at each start. */
const WIRING = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'GraphQLModule']);

/** nestjs-pino's logger, with Nest's wiring lines at debug: `info` keeps what an operator reads. */
@Injectable()
class AppLogger extends NestPinoLogger {
  override log(message: unknown, ...params: unknown[]): void {
    if (WIRING.has(params[params.length - 1] as string)) this.debug(message, ...params);
    else super.log(message, ...params);
  }
}

@Module({})
class LoggedAppModule {}

/**
 * The app's module with nestjs-pino's logger over `logger`, which also takes the consumers' lines.
 * Requests get their fields from the Fastify hooks (see request-logging), not from nestjs-pino's
 * middleware, which it is given no route for.
 */
export function withLogging(module: DynamicModule, logger: Logger): DynamicModule {
  logHandledEventsTo(logger);
  return {
    module: LoggedAppModule,
    providers: [AppLogger],
    imports: [LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] }), module],
  };
}

/** Nest's own lines (bootstrap included, buffered until now) go through pino from here on. */
export function useAppLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(AppLogger));
}
