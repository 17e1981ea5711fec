import { DocumentNode, ExecutionResult, Kind, OperationDefinitionNode } from 'graphql';
import { AppMetrics } from './app-metrics';

interface Operation {
  type: string;
  field: string;
}

/** The hooks of Mercurius this needs (`app.graphql`). */
export interface GraphQLHooks {
  addHook(
    name: 'preExecution',
    hook: (schema: unknown, document: DocumentNode, context: object) => void,
  ): void;
  addHook(name: 'onResolution', hook: (execution: ExecutionResult, context: object) => void): void;
}

interface ReplyContext {
  reply?: { elapsedTime?: number; request?: { body?: unknown; query?: unknown } };
}

/**
 * Counts and times every executed operation by type and root field, with its outcome: `ok`, or
 * the code of its first error. The root field stands for the operation, since operation names are
 * whatever clients choose; several root fields are `multiple`. Time runs from the request's arrival.
 */
export function instrumentGraphQL(graphql: GraphQLHooks, metrics: AppMetrics): void {
  const operations = new WeakMap<object, Operation>();
  graphql.addHook('preExecution', (_schema, document, context) => {
    operations.set(context, describe(document, requestedName(context as ReplyContext)));
  });
  graphql.addHook('onResolution', (execution, context) => {
    const operation = operations.get(context);
    if (!operation) return;
    const code = execution.errors?.[0]?.extensions?.code;
    const outcome = execution.errors?.length ? (typeof code === 'string' ? code : 'error') : 'ok';
    const elapsedMs = (context as ReplyContext).reply?.elapsedTime ?? 0;
    metrics.graphqlOperation(operation, outcome, elapsedMs / 1000);
  });
}

function describe(document: DocumentNode, name: string | undefined): Operation {
  const definitions = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    definitions.length === 1
      ? definitions[0]
      : definitions.find((definition) => definition.name?.value === name);
  if (!operation) return { type: 'unknown', field: 'unknown' };
  const selections = operation.selectionSet.selections;
  const only = selections.length === 1 ? selections[0] : undefined;
  return { type: operation.operation, field: only?.kind === Kind.FIELD ? only.name.value : 'multiple' };
}

/** The `operationName` the request named, from its body or (GET) its query string. */
function requestedName(context: ReplyContext): string | undefined {
  const request = context.reply?.request;
  for (const source of [request?.body, request?.query]) {
    if (source && typeof source === 'object' && 'operationName' in source) {
      const name = source.operationName;
      if (typeof name === 'string') return name;
    }
  }
  return undefined;
}
