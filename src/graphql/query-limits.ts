import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import { DocumentNode, GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCodes } from './error-codes';
import { codedError } from './request-refusal';

export const QUERY_LIMITS = {
  /** Bytes of one request body. */
  maxBodyBytes: 256 * 1024,
  /** Characters of the query text itself; variables carry long values. Bounds the parse caches. */
  maxQueryLength: 64 * 1024,
  /** Lexical tokens of the query text (names, punctuation, values; not comments). */
  maxTokens: 1000,
  /** Nesting of fields in an operation, fragments flattened; introspection (`__schema`) not counted. */
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 20,
  /** Roughly 100 bytes of response per unit: see `COST_MODEL`. */
  maxCost: 10_000,
} as const;

/**
 * What one request may cost. A field costs 1 (or its weight below, or its `@Field({ complexity })`)
 * plus, for a field with a selection, its selection's cost times the list size it asks for
 * (`first`, `last` or `limit`, given or by default). Weights follow how large a value can be:
 * a unit is about 100 bytes of response.
 */
export const COST_MODEL = {
  listSizeArguments: ['first', 'last', 'limit'],
  /** `Type.field` → weight. */
  fieldWeights: {
    'Meetup.description': 50,
    'SentEmail.text': 50,
    // Lists without a size argument, bounded by the domain: at most 10 tickets, a few steps.
    'Order.tickets': 10,
    'Order.history': 10,
    'RecordedEvent.data': 50,
    'RecordedEvent.metadata': 5,
    // Lists bounded by the query, not by an argument: a flow's events (up to 1,000), the last 100 folded.
    'CorrelationTrail.events': 1_000,
    'StreamState.events': 100,
    // Each call folds a whole stream, read from the event store, or reads a flow of up to 1,000 events.
    'Query.streamStateAt': 500,
    'Query.correlationTrail': 2_000,
  } as Record<string, number>,
  /** Scalar type → weight of any field of that type not listed above. */
  scalarWeights: { JSON: 50 } as Record<string, number>,
};

/** Armor reports `Syntax Error: …`; the limit's own message, with its code, reads better. */
const report =
  (limit: string) =>
  (context: ValidationContext | null, error: GraphQLError): void => {
    context?.reportError(
      codedError(ErrorCodes.QUERY_TOO_COMPLEX, error.message.replace(/^Syntax Error: /, ''), {
        extensions: { limit },
      }),
    );
  };

const armored = { propagateOnRejection: false, exposeLimits: true };

/**
 * Depth, aliases and directives: GraphQL Armor's rules, each linear in the document (they count
 * each fragment once and reuse the count), refusing with QUERY_TOO_COMPLEX. Run on every document
 * before graphql-js's own rules, whose field-merging check grows faster than the document.
 */
export function limitRules(): ValidationRule[] {
  return [
    maxDepthRule({
      ...armored,
      n: QUERY_LIMITS.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      onReject: [report('depth')],
    }),
    maxAliasesRule({
      ...armored,
      n: QUERY_LIMITS.maxAliases,
      onReject: [report('aliases')],
    }),
    maxDirectivesRule({
      ...armored,
      n: QUERY_LIMITS.maxDirectives,
      onReject: [report('directives')],
    }),
  ];
}

/**
 * Parses with GraphQL Armor's token-counting parser: past `maxTokens` it stops at once with
 * QUERY_TOO_COMPLEX, so parsing costs at most that many tokens whatever the text's length.
 */
export function parseWithTokenLimit(source: string): DocumentNode {
  const parser = new MaxTokensParserWLexer(source, {
    n: QUERY_LIMITS.maxTokens,
    propagateOnRejection: false,
    onReject: [
      () => {
        throw codedError(
          ErrorCodes.QUERY_TOO_COMPLEX,
          `Query has more than ${QUERY_LIMITS.maxTokens} tokens.`,
          { extensions: { limit: 'tokens' } },
        );
      },
    ],
  });
  return parser.parseDocument();
}
