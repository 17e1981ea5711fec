import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { DomainEvent } from '../../src/eventsourcing/deciders/decider';
import { EventSerializer } from '../../src/eventsourcing/event-store/event-serializer';
import { UserRegistered } from '../../src/identity/domain/user.events';

export interface AppendedUserEvent {
  eventId: string;
  position: bigint;
}

/** Appends an event to a user's stream as the identity context would: sealed, with full metadata. */
export async function appendUserEvent(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  userId: string,
  event: DomainEvent,
): Promise<AppendedUserEvent> {
  const streamId = `user-${userId}`;
  const commandId = randomUUID();
  const context = { commandId, correlationId: commandId, causationId: commandId };
  const events = serializer.serialize(streamId, await serializer.seal([event]), context);
  const result = await client.appendToStream(streamId, events);
  return { eventId: events[0].id, position: result.position!.commit };
}

/** A new user's `UserRegistered`, with a fresh id and address unless given. */
export async function registerUser(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  data: Partial<UserRegistered['data']> = {},
): Promise<AppendedUserEvent & { userId: string }> {
  const userId = data.userId ?? randomUUID();
  const event: UserRegistered = {
    type: 'UserRegistered',
    data: {
      userId,
      emailKey: randomUUID(),
      email: `${userId}@example.org`,
      displayName: 'Ada',
      role: 'ATTENDEE',
      passwordHash: 'not-a-real-hash',
      ...data,
    },
  };
  return { userId, ...(await appendUserEvent(client, serializer, userId, event)) };
}
