import { context, trace } from '@opentelemetry/api';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentNode, GraphQLSchema } from 'graphql';
import { Logger } from 'pino';
import { correlationIdOf } from '../../graphql/request-context';
import { endRequestSpan, nameAfterOperation, RequestSpan, startRequestSpan } from '../tracing/request-span';
import { addLogFields, enterLogFields, LogFields } from './log-context';

interface RequestScope {
  fields: LogFields;
  span: RequestSpan;
}

const GRAPHQL_PATH = '/graphql';

const scopes = new WeakMap<FastifyRequest, RequestScope>();

/** The correlation id and span of a request, as its hooks set them up. */
export const requestScopeOf = (request: FastifyRequest): RequestScope | undefined => scopes.get(request);

/**
 * Gives every request its correlation id (the `x-correlation-id` header's, or a new one) on each
 * line logged while it is served, a server span, and one `request completed` line: its method,
 * path (never the query string, which may hold variables), status and duration; at `debug` for
 * other paths than GraphQL's unless they fail.
 */
export function observeRequests(fastify: FastifyInstance, logger: Logger): void {
  const log = logger.child({ context: 'HTTP' });
  // The scope is entered again before the handler: the body is read in another async context.
  const enter = (scope: RequestScope, next: () => void) =>
    enterLogFields(scope.fields, () => context.with(scope.span.context, next));
  fastify.addHook('onRequest', (request, reply, done) => {
    const correlationId = correlationIdOf(request.headers);
    const scope = {
      fields: { correlationId },
      span: startRequestSpan(request.method, request.routeOptions.url, request.headers),
    };
    scopes.set(request, scope);
    reply.header('x-correlation-id', correlationId);
    enter(scope, done);
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    const scope = scopes.get(request);
    if (scope) enter(scope, done);
    else done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const scope = scopes.get(request);
    if (scope) {
      const path = request.url.split('?')[0];
      // Probes, scrapes and playground assets at every level would drown the API's own lines.
      const level = path === GRAPHQL_PATH || reply.statusCode >= 400 ? 'info' : 'debug';
      enter(scope, () =>
        log[level](
          {
            method: request.method,
            path,
            statusCode: reply.statusCode,
            durationMs: Math.round(reply.elapsedTime),
          },
          'request completed',
        ),
      );
      endRequestSpan(scope.span, reply.statusCode);
    }
    done();
  });
}

/** Records who the request acts as, once its session token is checked. */
export function identifyRequestUser(userId: string): void {
  addLogFields({ userId });
  trace.getActiveSpan()?.setAttribute('enduser.id', userId);
}

/** Mercurius's hook naming a request's span after its GraphQL operation. */
export function nameSpanAfterOperation(
  _schema: GraphQLSchema,
  document: DocumentNode,
  context: { reply: FastifyReply },
): void {
  const request = context.reply.request;
  const scope = scopes.get(request);
  const body = request.body as { operationName?: unknown } | undefined;
  const operationName = typeof body?.operationName === 'string' ? body.operationName : undefined;
  if (scope) nameAfterOperation(scope.span, document, operationName);
}
