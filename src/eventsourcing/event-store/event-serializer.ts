import { jsonEvent, JSONEventType, ResolvedEvent } from '@eventstore/db-client';
import { v5 as uuidV5 } from 'uuid';
import { CommandContext } from '../deciders/command-context';
import { DomainEvent } from '../deciders/decider';
import { EventMetadata, RecordedDomainEvent } from './event-metadata';
import { EventSchemaRegistry } from './event-schema-registry';

/** Namespace for event ids derived from command ids (UUID v5). */
const EVENT_ID_NAMESPACE = 'c5b3f1de-5f0a-4b8e-9a53-2d0f3c6a8e41';

/** The id of the `index`-th event of a command: the same for every retry of that command. */
export const eventIdFor = (commandId: string, index: number): string =>
  uuidV5(`${commandId}/${index}`, EVENT_ID_NAMESPACE);

export class EventSerializer {
  constructor(private readonly registry: EventSchemaRegistry) {}

  serialize(events: DomainEvent[], context: CommandContext, now = new Date()) {
    return events.map((event, index) => {
      const metadata: EventMetadata = {
        correlationId: context.correlationId,
        causationId: context.causationId,
        commandId: context.commandId,
        ...(context.userId ? { userId: context.userId } : {}),
        occurredAt: now.toISOString(),
        schemaVersion: this.registry.versionOf(event.type),
      };
      return jsonEvent<JSONEventType>({
        id: eventIdFor(context.commandId, index),
        type: event.type,
        data: event.data as JSONEventType['data'],
        metadata: metadata as unknown as JSONEventType['metadata'],
      });
    });
  }

  /** A recorded event in its latest schema version, or undefined for system and non-JSON events. */
  deserialize(resolved: ResolvedEvent): RecordedDomainEvent | undefined {
    const event = resolved.event;
    if (!event || !event.isJson || event.type.startsWith('$')) return undefined;
    const metadata = (event.metadata ?? {}) as Partial<EventMetadata>;
    const version = metadata.schemaVersion ?? 1;
    return {
      eventId: event.id,
      streamId: event.streamId,
      type: event.type,
      revision: event.revision,
      position: event.position?.commit ?? resolved.commitPosition ?? -1n,
      recordedAt: event.created,
      data: this.registry.upcast(event.type, version, event.data as Record<string, unknown>),
      metadata: { ...metadata, schemaVersion: this.registry.versionOf(event.type) } as EventMetadata,
    };
  }
}

/** The stream a creating command starts: derived from its id, so a retry lands on the same stream. */
export const newStreamIdFor = (category: string, commandId: string): string =>
  `${category}-${uuidV5(`${commandId}/stream`, EVENT_ID_NAMESPACE)}`;
