import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { nameSpanAfterOperation, requestScopeOf } from '../observability/logging/request-logging';
import { withStrictDateTime } from './date-time.scalar';
import { createErrorFormatter } from './error-formatter';
import { limitRules, QUERY_LIMITS } from './query-limits';
import { createRequestChecks } from './request-checks';
import { requestContext } from './request-context';

/** GraphQL over Mercurius (Fastify), code-first, with the security baseline switched on. */
export function graphqlOptions(config: AppConfig): MercuriusDriverConfig {
  return {
    driver: MercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    transformSchema: withStrictDateTime,
    graphiql: false,
    allowBatchedQueries: false,
    csrfPrevention: true,
    // Every request is checked, and refused with its error codes, before Mercurius sees it.
    additionalRouteOptions: { preHandler: createRequestChecks({ introspection: config.introspection }) },
    // A second line, should a document ever reach Mercurius unchecked.
    graphql: { parseOptions: { maxTokens: QUERY_LIMITS.maxTokens } },
    validationRules: [...limitRules(), ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule])],
    errorFormatter: createErrorFormatter(),
    hooks: { preExecution: nameSpanAfterOperation },
    context: (request: FastifyRequest) => ({
      request: requestContext(request.headers, requestScopeOf(request)?.fields.correlationId),
    }),
  } as MercuriusDriverConfig;
}
