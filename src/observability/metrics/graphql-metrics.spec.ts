import { ExecutionResult, GraphQLError, parse } from 'graphql';
import { AppMetrics } from './app-metrics';
import { GraphQLHooks, instrumentGraphQL } from './graphql-metrics';

type PreExecution = (schema: unknown, document: ReturnType<typeof parse>, context: object) => void;
type OnResolution = (execution: ExecutionResult, context: object) => void;

/** Runs one request through the hooks, as Mercurius would, and returns what was counted. */
async function count(query: string, body: object, execution: ExecutionResult): Promise<string[]> {
  const metrics = new AppMetrics();
  let preExecution: PreExecution = () => undefined;
  let onResolution: OnResolution = () => undefined;
  const hooks = {
    addHook(name: string, hook: PreExecution | OnResolution) {
      if (name === 'preExecution') preExecution = hook as PreExecution;
      else onResolution = hook as OnResolution;
    },
  } as GraphQLHooks;
  instrumentGraphQL(hooks, metrics);
  const context = { reply: { elapsedTime: 12, request: { body } } };
  preExecution(undefined, parse(query), context);
  onResolution(execution, context);
  const text = await metrics.registry.getSingleMetricAsString('meetups_graphql_operations_total');
  return text.split('\n').filter((line) => !line.startsWith('#'));
}

describe('GraphQL operation metrics', () => {
  it('counts an operation by its type and root field, ok when it has no error', async () => {
    expect(await count('{ meetups { edges { cursor } } }', {}, { data: {} })).toEqual([
      'meetups_graphql_operations_total{type="query",field="meetups",outcome="ok"} 1',
    ]);
  });

  it('takes the operation the request names, and the code of its first error', async () => {
    const query = 'query A { me { id } } mutation B { publishMeetup(input: {}) { id } }';
    const refused = new GraphQLError('no such meetup', { extensions: { code: 'MEETUP_NOT_FOUND' } });
    expect(await count(query, { operationName: 'B' }, { errors: [refused] })).toEqual([
      'meetups_graphql_operations_total{type="mutation",field="publishMeetup",outcome="MEETUP_NOT_FOUND"} 1',
    ]);
  });

  it('calls several root fields multiple, and an error without a code error', async () => {
    const query = 'query { me { id } meetups { edges { cursor } } }';
    expect(await count(query, {}, { errors: [new GraphQLError('boom')] })).toEqual([
      'meetups_graphql_operations_total{type="query",field="multiple",outcome="error"} 1',
    ]);
  });
});
