import { EventStoreDBClient } from '@eventstore/db-client';
import { Db } from 'mongodb';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSerializer } from '../event-store/event-serializer';
import { storedPosition } from '../event-store/stored-position';
import { asError, ReplayContext } from '../subscriptions/parked-event-replay';
import { handledTypes, ProjectedDocument } from './projection-definition';
import { isRecordedEventType } from '../subscriptions/domain-events';
import { ProjectionEngine } from './projection-engine';

/**
 * Replays parked events into a projection. By the time a parked event is replayed, its document
 * has usually taken later events, and it takes no event older than the last it applied: laid on
 * top, the parked event would be ignored, or applied out of order. So each document a replayed
 * event belongs to is folded again from its whole history in the event store, in order, that
 * event included, leaving out the events still parked or discarded: the document as it would be
 * had the event never failed. Folding again gives the same document, so a replay repeated (after
 * a crash before it was recorded) applies nothing twice.
 *
 * It reads `$all` from the start up to where the projection is, so it costs a scan of the store
 * per replay (not per event): an operation for an admin, not for every batch.
 */
export class ProjectionReplay {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly db: Db,
    private readonly engine: ProjectionEngine,
  ) {}

  async replay(events: RecordedDomainEvent[], { upTo, skip }: ReplayContext): Promise<Map<string, Error>> {
    const failures = new Map<string, Error>();
    const replayingByDocument = new Map<string, Set<string>>();
    for (const event of events) {
      try {
        const id = this.engine.definition.documentId(event);
        replayingByDocument.set(id, (replayingByDocument.get(id) ?? new Set()).add(event.eventId));
      } catch (error) {
        failures.set(event.eventId, asError(error));
      }
    }
    const histories = await this.histories(new Set(replayingByDocument.keys()), upTo, skip);
    for (const [id, replaying] of replayingByDocument) {
      try {
        await this.refold(id, histories.get(id) ?? [], replaying, failures);
      } catch (error) {
        for (const eventId of replaying) if (!failures.has(eventId)) failures.set(eventId, asError(error));
      }
    }
    return failures;
  }

  /** The events of these documents up to `upTo`, oldest first, but those to skip. */
  private async histories(
    ids: ReadonlySet<string>,
    upTo: bigint,
    skip: ReadonlySet<string>,
  ): Promise<Map<string, RecordedDomainEvent[]>> {
    const types = handledTypes(this.engine.definition);
    const handles = types ? new Set(types) : undefined;
    const found: { id: string; event: RecordedDomainEvent }[] = [];
    const read = this.client.readAll();
    for await (const resolved of read) {
      const recorded = resolved.event;
      if (!recorded) continue;
      if (recorded.position.commit > upTo) break;
      const handled = handles ? handles.has(recorded.type) : isRecordedEventType(recorded.type);
      if (!handled || skip.has(recorded.id)) continue;
      const event = this.serializer.deserialize(resolved);
      const id = event && this.documentIdOf(event);
      if (event && id !== undefined && ids.has(id)) found.push({ id, event });
    }
    await read.cancel().catch(() => undefined);
    const revealed = await this.serializer.reveal(found.map(({ event }) => event));
    const histories = new Map<string, RecordedDomainEvent[]>();
    found.forEach(({ id }, index) => {
      const history = histories.get(id) ?? [];
      history.push(revealed[index]);
      histories.set(id, history);
    });
    return histories;
  }

  /** An event whose document cannot be named is none of these (its own replay reports why). */
  private documentIdOf(event: RecordedDomainEvent): string | undefined {
    try {
      return this.engine.definition.documentId(event);
    } catch {
      return undefined;
    }
  }

  /**
   * Folds the document from its history and writes it, unless every replayed event of it failed
   * again. A replayed event that fails again is left out, as a parked one; any other failing
   * event fails the whole document.
   */
  private async refold(
    id: string,
    history: RecordedDomainEvent[],
    replaying: ReadonlySet<string>,
    failures: Map<string, Error>,
  ): Promise<void> {
    let document: ProjectedDocument | undefined;
    const applied = new Set<string>();
    for (const event of history) {
      let next;
      try {
        next = this.engine.definition.apply(document, event);
      } catch (error) {
        if (!replaying.has(event.eventId)) throw error;
        failures.set(event.eventId, asError(error));
        continue;
      }
      if (replaying.has(event.eventId)) applied.add(event.eventId);
      if (next === 'unchanged') continue;
      document =
        next === 'delete' ? undefined : { ...next, _id: id, _position: storedPosition(event.position) };
    }
    for (const eventId of replaying) {
      if (!applied.has(eventId) && !failures.has(eventId))
        failures.set(eventId, new Error(`event ${eventId} is not in the history of document ${id}`));
    }
    if (applied.size > 0) await this.write(id, document);
  }

  /**
   * Replaces the document as it is now (or deletes it), on the condition that it is still what it
   * was when read. Its position never moves back, so events already applied stay skipped.
   */
  private async write(id: string, folded: ProjectedDocument | undefined): Promise<void> {
    const collection = this.db.collection<ProjectedDocument>(this.engine.collectionName);
    const stored = await collection.findOne({ _id: id });
    if (!stored) {
      if (folded) await collection.insertOne(folded);
      return;
    }
    const unchanged = { _id: id, _position: stored._position };
    let written: number;
    if (folded) {
      const position = [folded._position!, stored._position ?? ''].sort().at(-1);
      written = (await collection.replaceOne(unchanged, { ...folded, _position: position })).matchedCount;
    } else {
      written = (await collection.deleteOne(unchanged)).deletedCount;
    }
    if (written === 0) throw new Error(`document ${id} changed during the replay; replay again`);
  }
}
