import { ResolvedEvent } from '@eventstore/db-client';
import { EventSchemaRegistry } from './event-schema-registry';
import { aggregateIdFor, eventIdFor } from './deterministic-ids';
import { EventSerializer } from './event-serializer';

describe('EventSerializer', () => {
  const registry = new EventSchemaRegistry().register({
    type: 'MeetupScheduled',
    version: 3,
    upcasters: {
      1: (data) => ({ ...data, city: data.town, town: undefined }),
      2: (data) => ({ ...data, capacity: data.capacity ?? 100 }),
    },
  });
  const serializer = new EventSerializer(registry);
  const context = { commandId: 'c-1', correlationId: 'k-1', causationId: 'c-1', userId: 'u-1' };

  const recorded = (data: unknown, metadata: unknown): ResolvedEvent =>
    ({
      event: {
        id: 'e-1',
        streamId: 'meetup-1',
        type: 'MeetupScheduled',
        revision: 0n,
        position: { commit: 42n, prepare: 42n },
        created: new Date(0),
        isJson: true,
        data,
        metadata,
      },
    }) as unknown as ResolvedEvent;

  it('writes the metadata every event carries, with the current schema version', () => {
    const [event] = serializer.serialize(
      'meetup-1',
      [{ type: 'MeetupScheduled', data: { city: 'Lisbon' } }],
      context,
      new Date(5),
    );
    expect(event.id).toBe(eventIdFor('meetup-1', 'c-1', 0));
    expect(event.metadata).toEqual({
      correlationId: 'k-1',
      causationId: 'c-1',
      commandId: 'c-1',
      userId: 'u-1',
      occurredAt: new Date(5).toISOString(),
      schemaVersion: 3,
    });
  });

  it('derives the same ids from the same command, and different ones for another stream or index', () => {
    expect(eventIdFor('meetup-1', 'c-1', 0)).toBe(eventIdFor('meetup-1', 'c-1', 0));
    expect(eventIdFor('meetup-1', 'c-1', 1)).not.toBe(eventIdFor('meetup-1', 'c-1', 0));
    expect(eventIdFor('meetup-2', 'c-1', 0)).not.toBe(eventIdFor('meetup-1', 'c-1', 0));
    expect(aggregateIdFor('c-1')).toMatch(/^[0-9a-f-]{36}$/);
    expect(aggregateIdFor('c-1')).toBe(aggregateIdFor('c-1'));
  });

  it('upcasts old versions step by step, so consumers see only the latest', () => {
    const event = serializer.deserialize(recorded({ town: 'Porto' }, { schemaVersion: 1, commandId: 'x' }))!;
    expect(event.data).toEqual({ city: 'Porto', town: undefined, capacity: 100 });
    expect(event.metadata.schemaVersion).toBe(3);
    expect(event.position).toBe(42n);
  });

  it('refuses a schema whose upcaster chain has a gap', () => {
    expect(() => new EventSchemaRegistry().register({ type: 'X', version: 2 })).toThrow(/upcaster from v1/);
  });
});
