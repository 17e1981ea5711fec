import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, Position, START } from '@eventstore/db-client';
import { DomainEvent } from '../deciders/decider';
import { EventSerializer } from '../event-store/event-serializer';

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Anything that sends GraphQL requests to the running application. */
export interface GraphQLClient {
  gql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse>;
}

/**
 * API tests through HTTP GraphQL and the real event store: given these streams, when this
 * mutation, then these new events in a stream, or this error code and nothing appended anywhere.
 */
export function apiSpecification(
  api: GraphQLClient,
  client: EventStoreDBClient,
  serializer: EventSerializer,
) {
  return {
    given(streams: Record<string, DomainEvent[]> = {}) {
      /** Appends the given streams' events, as earlier commands would have. */
      const append = async (): Promise<void> => {
        for (const [streamId, events] of Object.entries(streams)) {
          const commandId = randomUUID();
          const context = { commandId, correlationId: commandId, causationId: commandId };
          await client.appendToStream(streamId, serializer.serialize(streamId, events, context));
        }
      };
      return {
        append,
        async when(query: string, variables: Record<string, unknown> = {}) {
          await append();
          const before = await lastDomainEventPosition(client);
          const response = await api.gql(query, variables);
          return {
            response,
            /** The mutation succeeded and appended exactly these events to the stream. */
            async thenEvents(streamId: string, expected: DomainEvent[]): Promise<void> {
              expect(response.errors).toBeUndefined();
              const appended = (await domainEventsAfter(client, before)).filter(
                (e) => e.streamId === streamId,
              );
              expect(appended.map(({ type, data }) => ({ type, data }))).toEqual(expected);
            },
            /** The mutation succeeded and appended nothing to any stream: a repeat, or a command that changed nothing. */
            async thenNothingAppended(): Promise<void> {
              expect(response.errors).toBeUndefined();
              expect(await domainEventsAfter(client, before)).toEqual([]);
            },
            /** The mutation failed with this code, and nothing was appended to any stream. */
            async thenFails(code: string): Promise<void> {
              expect(response.errors?.map((e) => e.extensions?.code)).toEqual([code]);
              expect(await domainEventsAfter(client, before)).toEqual([]);
            },
          };
        },
      };
    },
  };
}

/** The `$all` position of the newest event that is not the server's own. */
async function lastDomainEventPosition(client: EventStoreDBClient): Promise<Position | undefined> {
  let last: Position | undefined;
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1000 })) {
    if (!last && !resolved.event!.type.startsWith('$')) last = resolved.event!.position;
  }
  return last;
}

async function domainEventsAfter(client: EventStoreDBClient, position: Position | undefined) {
  const fromPosition = position ?? START;
  const events: { streamId: string; type: string; data: unknown }[] = [];
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition })) {
    const event = resolved.event!;
    if (event.type.startsWith('$') || event.position.commit === position?.commit) continue;
    events.push({ streamId: event.streamId, type: event.type, data: event.data });
  }
  return events;
}
