import {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
  GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCodes } from './error-codes';

export const QUERY_LIMITS = {
  /** Nesting depth of a query. */
  maxDepth: 10,
  /** One per field, times `first`/`limit` of lists: bounds the work one request can ask for. */
  maxComplexity: 5000,
  maxAliases: 30,
  /** Bytes of one request body. */
  maxBodyBytes: 256 * 1024,
} as const;

/** Too many aliases let one request repeat an expensive field many times. */
const aliasLimit: ValidationRule = (context: ValidationContext) => {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias && ++aliases === QUERY_LIMITS.maxAliases + 1) {
        context.reportError(
          new GraphQLError(`Query uses more than ${QUERY_LIMITS.maxAliases} aliases.`, {
            nodes: [node],
            extensions: { code: ErrorCodes.QUERY_TOO_COMPLEX },
          }),
        );
      }
    },
  };
};

/** Lists count as many times as they may return items. */
function listSizeEstimator({
  args,
  childComplexity,
}: {
  args: Record<string, unknown>;
  childComplexity: number;
}) {
  const size = Number(args.first ?? args.limit ?? 1);
  return Number.isFinite(size) && size > 1 ? 1 + size * childComplexity : undefined;
}

/**
 * Bounds how deeply an operation nests. Introspection fields (`__schema`, `__type`) are not
 * counted: GraphiQL's own introspection query is deeper than any application query needs to be.
 */
export const depthLimit =
  (maxDepth: number): ValidationRule =>
  (context: ValidationContext) => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    const depthOf = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!selectionSet) return 0;
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        } else if (!seen.has(selection.name.value)) {
          const fragment = fragments.get(selection.name.value);
          deepest = Math.max(
            deepest,
            depthOf(fragment?.selectionSet, new Set([...seen, selection.name.value])),
          );
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is nested ${depth} levels deep, over the limit of ${maxDepth}.`, {
              nodes: [node],
              extensions: { code: ErrorCodes.QUERY_TOO_COMPLEX },
            }),
          );
        }
      },
    };
  };

/** Static validation rules: depth, aliases, and introspection when it is off. */
export function queryLimitRules(introspection: boolean): ValidationRule[] {
  return [
    depthLimit(QUERY_LIMITS.maxDepth),
    aliasLimit,
    ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

/** The cost of an operation with its actual variables; over the limit it is refused before running. */
export function checkComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): void {
  const cost = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    estimators: [listSizeEstimator as never, simpleEstimator({ defaultComplexity: 1 })],
  });
  if (cost > QUERY_LIMITS.maxComplexity) {
    throw new GraphQLError(`Query costs ${cost}, over the limit of ${QUERY_LIMITS.maxComplexity}.`, {
      extensions: { code: ErrorCodes.QUERY_TOO_COMPLEX },
    });
  }
}
