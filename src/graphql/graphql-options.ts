import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { AppConfig } from '../config/app-config';
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
    context: (request: { headers: Record<string, string | string[] | undefined> }) => ({
      request: requestContext(request.headers),
    }),
  } as MercuriusDriverConfig;
}
