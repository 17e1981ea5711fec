import type { FastifyReply, FastifyRequest } from 'fastify';
import { lru } from 'tiny-lru';
import {
  DocumentNode,
  getVariableValues,
  GraphQLError,
  GraphQLErrorOptions,
  GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  specifiedRules,
  validate,
  ValidationContext,
  ValidationRule,
  ValuesOfCorrectTypeRule,
} from 'graphql';
import { validationAbortedError } from 'graphql/validation/validationAbortedError';
import 'mercurius';
import { ErrorCode, ErrorCodes } from './error-codes';
import { operationCost } from './query-cost';
import { COST_MODEL, limitRules, parseWithTokenLimit, QUERY_LIMITS } from './query-limits';
import { codedError, RequestRefusal, withCode } from './request-refusal';

/** What is known of one query text, whatever its variables: kept for the texts seen last. */
interface CheckedDocument {
  /** Parse or limit errors; then there is no document. */
  refused?: readonly GraphQLError[];
  document?: DocumentNode;
  /** graphql-js's validation, run once the cost is known to be within bounds. */
  validation?: readonly GraphQLError[];
}

/** A rule whose errors carry `code`. */
const reportingWith =
  (rule: ValidationRule, code: ErrorCode): ValidationRule =>
  (context: ValidationContext) =>
    rule(
      Object.create(context, {
        reportError: { value: (error: GraphQLError) => context.reportError(withCode(error, code)) },
      }) as ValidationContext,
    );

/** Strings with a lone surrogate: not Unicode, so they would not survive a round trip to storage. */
const LONE_SURROGATE = /\p{Cs}/u;
/** A `\u` escape in a GraphQL string that names half of a surrogate pair. */
const LONE_SURROGATE_ESCAPE = /^\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|\{0*[dD][89a-fA-F][0-9a-fA-F]{2}\})/;

/** True when every string in a JSON value, keys included, is well-formed Unicode. */
function isWellFormed(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (LONE_SURROGATE.test(next)) return false;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (LONE_SURROGATE.test(key)) return false;
        pending.push(item);
      }
    }
  }
  return true;
}

const notUnicode = (where: string, options: GraphQLErrorOptions = {}) =>
  codedError(
    ErrorCodes.BAD_USER_INPUT,
    `${where} a string that is not well-formed Unicode (a lone surrogate).`,
    options,
  );

interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** The parameters of a GET (JSON in the query string) or a POST (a JSON or GraphQL body). */
function paramsOf(request: FastifyRequest): GraphQLParams {
  if (request.method !== 'GET') return (request.body ?? {}) as GraphQLParams;
  const query = request.query as Record<string, unknown>;
  const json = (name: string): unknown => {
    const text = query[name];
    if (typeof text !== 'string') return text;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw RequestRefusal.of(ErrorCodes.BAD_REQUEST, `The ${name} parameter is not JSON.`);
    }
  };
  json('extensions');
  return { query: query.query, operationName: query.operationName, variables: json('variables') };
}

function selectOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | GraphQLError {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName !== undefined) {
    return (
      operations.find((o) => o.name?.value === operationName) ??
      codedError(ErrorCodes.OPERATION_RESOLUTION_FAILURE, `Unknown operation named "${operationName}".`)
    );
  }
  if (operations.length === 1) return operations[0];
  return codedError(
    ErrorCodes.OPERATION_RESOLUTION_FAILURE,
    operations.length === 0
      ? 'The document has no operation.'
      : 'The document has several operations: name the one to run with operationName.',
  );
}

/**
 * Everything that can refuse a GraphQL request before it runs, each refusal with its code, in
 * time linear in the request's size: run as the GraphQL routes' `preHandler`, so that Mercurius,
 * which parses, validates and coerces again (from its cache), never meets a request it would
 * refuse. In order:
 *  1. the request itself: a query, not too long, variables an object, every string Unicode;
 *  2. parsing within the token limit, then the depth, alias and directive limits (cached);
 *  3. the cost of the operation to run, with the request's variables;
 *  4. graphql-js's validation (cached), only once the document is known to be small and cheap;
 *  5. the operation named, not a mutation over GET, and the variables its types accept.
 */
export function createRequestChecks(options: { introspection: boolean }) {
  // Suggestions ("Did you mean …") would reveal the schema that introspection hides.
  const hideSuggestions = !options.introspection;
  const checked = lru<CheckedDocument>(1024);
  const limits = limitRules();
  const rules = [
    ...specifiedRules.map((rule) =>
      rule === ValuesOfCorrectTypeRule ? reportingWith(rule, ErrorCodes.BAD_USER_INPUT) : rule,
    ),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];

  const analyse = (schema: GraphQLSchema, source: string): CheckedDocument => {
    let document: DocumentNode;
    try {
      document = parseWithTokenLimit(source);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const at = error.positions?.[0];
      if (at !== undefined && LONE_SURROGATE_ESCAPE.test(source.slice(at, at + 12))) {
        return { refused: [notUnicode('The query has', { source: error.source, positions: [at] })] };
      }
      return { refused: [withCode(error, ErrorCodes.GRAPHQL_PARSE_FAILED)] };
    }
    const refused = validate(schema, document, limits, { maxErrors: 10 }).map((e) =>
      withCode(e, ErrorCodes.QUERY_TOO_COMPLEX),
    );
    return refused.length > 0 ? { refused } : { document };
  };

  return async function checkGraphQLRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // A body or query string of the wrong shape: Mercurius refuses it (BAD_REQUEST).
    if (request.validationError) return;
    const { query: source, operationName, variables } = paramsOf(request);
    if (typeof source !== 'string' || source.trim() === '') {
      throw RequestRefusal.of(ErrorCodes.BAD_REQUEST, 'The request has no query.');
    }
    if (source.length > QUERY_LIMITS.maxQueryLength) {
      throw RequestRefusal.of(
        ErrorCodes.PAYLOAD_TOO_LARGE,
        `The query is over ${QUERY_LIMITS.maxQueryLength} characters; pass long values as variables.`,
        413,
      );
    }
    if (
      variables !== undefined &&
      variables !== null &&
      (typeof variables !== 'object' || Array.isArray(variables))
    ) {
      throw RequestRefusal.of(ErrorCodes.BAD_REQUEST, 'variables must be an object.');
    }
    if (LONE_SURROGATE.test(source)) throw new RequestRefusal([notUnicode('The query has')]);
    const given = (variables ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(given)) {
      if (!isWellFormed(value) || LONE_SURROGATE.test(name)) {
        throw new RequestRefusal([notUnicode(`Variable "$${name}" has`)]);
      }
    }

    const schema = request.server.graphql.schema;
    let entry = checked.get(source);
    if (!entry) checked.set(source, (entry = analyse(schema, source)));
    if (entry.refused) throw new RequestRefusal(entry.refused);
    const document = entry.document!;

    const operation = selectOperation(
      document,
      typeof operationName === 'string' ? operationName : undefined,
    );
    if (!(operation instanceof GraphQLError)) {
      const cost = operationCost(schema, document, operation, given, COST_MODEL);
      if (cost > QUERY_LIMITS.maxCost) {
        throw RequestRefusal.of(
          ErrorCodes.QUERY_TOO_COMPLEX,
          `Query costs ${cost > 1e12 ? cost.toExponential(2) : cost}, over the limit of ${QUERY_LIMITS.maxCost}.`,
          400,
          { extensions: { limit: 'cost', cost: Number.isFinite(cost) ? cost : null } },
        );
      }
    }

    entry.validation ??= validate(schema, document, rules, { maxErrors: 50, hideSuggestions }).map((e) =>
      // graphql-js stops comparing fields for merging past a work budget: the query is too complex.
      e === validationAbortedError
        ? codedError(ErrorCodes.QUERY_TOO_COMPLEX, 'The query is too complex to validate.', {
            extensions: { limit: 'validation' },
          })
        : withCode(e, ErrorCodes.GRAPHQL_VALIDATION_FAILED),
    );
    if (entry.validation.length > 0) throw new RequestRefusal(entry.validation);
    if (operation instanceof GraphQLError) throw new RequestRefusal([operation]);
    if (!schema.getRootType(operation.operation)) {
      throw RequestRefusal.of(
        ErrorCodes.GRAPHQL_VALIDATION_FAILED,
        `This API serves no ${operation.operation} operations.`,
        400,
      );
    }

    if (request.method === 'GET' && operation.operation !== 'query') {
      void reply.header('allow', 'POST');
      throw RequestRefusal.of(
        ErrorCodes.METHOD_NOT_ALLOWED,
        `A ${operation.operation} must be sent with POST.`,
        405,
      );
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], given, {
      maxErrors: 50,
      hideSuggestions,
    });
    if (coerced.errors) {
      throw new RequestRefusal(coerced.errors.map((e) => withCode(e, ErrorCodes.BAD_USER_INPUT)));
    }
  };
}
