import { jsonEvent, JSONEventType, ResolvedEvent } from '@eventstore/db-client';
import { CommandContext } from '../deciders/command-context';
import { DomainEvent } from '../deciders/decider';
import { EventMetadata, RecordedDomainEvent } from './event-metadata';
import { EventSchemaRegistry } from './event-schema-registry';
import { eventIdFor } from './deterministic-ids';
import { PersonalDataVault } from '../personal-data/personal-data-vault';
import { traceparentField } from '../../observability/tracing/command-span';

export class EventSerializer {
  constructor(
    private readonly registry: EventSchemaRegistry,
    private readonly vault?: PersonalDataVault,
  ) {}

  /** This serializer without decryption: events as stored, their personal data still sealed. */
  withoutReveal(): EventSerializer {
    return new EventSerializer(this.registry);
  }

  /** The events with their personal data encrypted, ready to serialize. */
  seal<E extends DomainEvent>(events: E[]): Promise<E[]> {
    return this.vault ? this.vault.seal(events) : Promise.resolve(events);
  }

  /** Deserialized events with their personal data decrypted, or erased where the person was forgotten. */
  reveal<E extends RecordedDomainEvent>(events: E[]): Promise<E[]> {
    return this.vault ? this.vault.reveal(events) : Promise.resolve(events);
  }

  /** The events as the audit trail shows them: confidential fields replaced by '[redacted]'. */
  redact<E extends RecordedDomainEvent>(events: E[]): E[] {
    return events.map((event) => {
      const fields = this.registry.confidentialOf(event.type);
      if (fields.length === 0) return event;
      const data = { ...(event.data as Record<string, unknown>) };
      for (const field of fields) if (data[field] != null) data[field] = '[redacted]';
      return { ...event, data };
    });
  }

  /** The events a command appends to `streamId`, with ids derived from the stream and the command. */
  serialize(streamId: string, events: DomainEvent[], context: CommandContext, now = new Date()) {
    return events.map((event, index) => {
      const metadata: EventMetadata = {
        correlationId: context.correlationId,
        causationId: context.causationId,
        commandId: context.commandId,
        ...(context.userId ? { userId: context.userId } : {}),
        occurredAt: now.toISOString(),
        schemaVersion: this.registry.versionOf(event.type),
        ...traceparentField(),
      };
      return jsonEvent<JSONEventType>({
        id: eventIdFor(streamId, context.commandId, index),
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
