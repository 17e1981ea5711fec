import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { AppConfig } from '../config/app-config';
import { QUERY_LIMITS, queryLimitRules } from './query-limits';
import { requestContext } from './request-context';

/** GraphQL over Mercurius (Fastify), code-first, with the security baseline switched on. */
export function graphqlOptions(config: AppConfig): MercuriusDriverConfig {
  return {
    driver: MercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    queryDepth: QUERY_LIMITS.maxDepth,
    allowBatchedQueries: false,
    csrfPrevention: true,
    validationRules: ({ variables }: { variables?: Record<string, unknown> }) =>
      queryLimitRules(variables, config.introspection),
    context: (request: { headers: Record<string, string | string[] | undefined> }) => ({
      request: requestContext(request.headers),
    }),
  } as MercuriusDriverConfig;
}
