import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { AppConfig } from '../config/app-config';
import { DocumentNode, GraphQLSchema } from 'graphql';
import { checkComplexity, QUERY_LIMITS, queryLimitRules } from './query-limits';
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
    validationRules: queryLimitRules(config.introspection),
    hooks: {
      preExecution: async (
        schema: GraphQLSchema,
        document: DocumentNode,
        _context: unknown,
        variables: Record<string, unknown>,
      ) => checkComplexity(schema, document, variables),
    },
    context: (request: { headers: Record<string, string | string[] | undefined> }) => ({
      request: requestContext(request.headers),
    }),
  } as MercuriusDriverConfig;
}
