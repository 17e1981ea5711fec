import { Inject, Injectable } from '@nestjs/common';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
import { EventSerializer } from '../event-store/event-serializer';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EVENTSTORE_CLIENT } from '../tokens';

export interface AuditQuery {
  /** Only events after this `$all` commit position. */
  after?: bigint;
  types?: string[];
  correlationId?: string;
  limit: number;
}

/** How many events one audit query may examine, so a narrow filter cannot scan without end. */
export const AUDIT_SCAN_LIMIT = 50_000;

/** What happened, when, who did it and what caused it: read straight from the event store. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
  ) {}

  async streamHistory(streamId: string, fromRevision: bigint, limit: number): Promise<RecordedDomainEvent[]> {
    const events: RecordedDomainEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision, maxCount: limit })) {
        const event = this.serializer.deserialize(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return this.serializer.redact(await this.serializer.reveal(events));
  }

  /** Who appended a stream's first event, as its metadata says; undefined for no one or no stream. */
  async creatorOf(streamId: string): Promise<string | undefined> {
    let creator: string | undefined;
    try {
      // Read to the end (of one event): leaving the loop early would leave the call open.
      for await (const resolved of this.client.readStream(streamId, { fromRevision: START, maxCount: 1 })) {
        creator = this.serializer.deserialize(resolved)?.metadata.userId;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return creator;
  }

  async auditEvents(query: AuditQuery): Promise<RecordedDomainEvent[]> {
    if (query.after !== undefined && query.after > (await this.headPosition())) {
      throw new InvalidInputError([
        { field: 'after', problems: ['after must be a position this store has reached'] },
      ]);
    }
    const types = query.types?.length ? new Set(query.types) : undefined;
    const events: RecordedDomainEvent[] = [];
    let scanned = 0;
    const fromPosition = query.after === undefined ? START : { commit: query.after, prepare: query.after };
    const read = this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: AUDIT_SCAN_LIMIT });
    for await (const resolved of read) {
      scanned++;
      const event = this.serializer.deserialize(resolved);
      if (!event || (query.after !== undefined && event.position <= query.after)) continue;
      if (types && !types.has(event.type)) continue;
      if (query.correlationId && event.metadata.correlationId !== query.correlationId) continue;
      events.push(event);
      if (events.length >= query.limit || scanned >= AUDIT_SCAN_LIMIT) break;
    }
    await read.cancel().catch(() => undefined);
    return this.serializer.redact(await this.serializer.reveal(events));
  }

  /** The commit position of the newest event in the store. */
  private async headPosition(): Promise<bigint> {
    let head = -1n;
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 1,
    })) {
      head = resolved.event!.position.commit;
    }
    return head;
  }
}
