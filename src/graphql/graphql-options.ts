import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { AppConfig } from '../config/app-config';
import { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import mercurius, { MercuriusContext } from 'mercurius';
import { ErrorCodes } from './error-codes';
import { checkComplexity, queryLimitRules } from './query-limits';
import { requestContext } from './request-context';

/** GraphQL over Mercurius (Fastify), code-first, with the security baseline switched on. */
export function graphqlOptions(config: AppConfig): MercuriusDriverConfig {
  return {
    driver: MercuriusDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
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
    errorFormatter: (
      execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
      context: MercuriusContext,
    ) => {
      const formatted = mercurius.defaultErrorFormatter(execution, context);
      const errors = formatted.response.errors?.map((error) => ({
        ...error,
        extensions: { code: codeFor(error.message, formatted.statusCode), ...error.extensions },
      }));
      return { ...formatted, response: { ...formatted.response, ...(errors ? { errors } : {}) } };
    },
    context: (request: { headers: Record<string, string | string[] | undefined> }) => ({
      request: requestContext(request.headers),
    }),
  } as MercuriusDriverConfig;
}

/** Errors raised before any resolver runs carry a code too. */
function codeFor(message: string, statusCode: number): string {
  if (message.startsWith('Syntax Error')) return ErrorCodes.GRAPHQL_PARSE_FAILED;
  // Values the schema's types refuse, such as a date that is not one.
  if (/^Variable "\$\w+" got invalid value/.test(message)) return ErrorCodes.BAD_USER_INPUT;
  if (statusCode === 400) return ErrorCodes.GRAPHQL_VALIDATION_FAILED;
  return ErrorCodes.INTERNAL_SERVER_ERROR;
}
