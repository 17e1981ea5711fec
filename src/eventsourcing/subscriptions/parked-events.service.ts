import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProjectionsService } from '../projections/projections.service';
import { CheckpointStore } from './checkpoint-store';
import { parkedEventNotFound, parkedEventReplayPending, unknownConsumer } from './parked-events.errors';
import { ParkedEventDocument, ParkedEvents } from './parked-events';
import { ReactorHost } from './reactor-host';

/** How long `replay` waits for the consumer, wherever it runs, to carry the replay out. */
export const REPLAY_WAIT_MS = 10_000;
const REPLAY_POLL_MS = 50;

/**
 * What an admin does with parked events, from any process. A replay is a request recorded with
 * the events; the process running the consumer (this one, or a worker) carries it out between
 * two batches, so it never races the consumer's own writes.
 */
@Injectable()
export class ParkedEventsService {
  constructor(
    private readonly parked: ParkedEvents,
    private readonly checkpoints: CheckpointStore,
    private readonly projections: ProjectionsService,
    private readonly reactors: ReactorHost,
  ) {}

  async list(consumer: string, limit: number): Promise<ParkedEventDocument[]> {
    await this.assertKnown(consumer);
    return this.parked.pending(consumer, limit);
  }

  /**
   * Asks for every pending event of the consumer to be replayed and waits, at most
   * `REPLAY_WAIT_MS`, for the outcome: each event `replayed`, `parked` again with its new error,
   * or still `replay-requested` (carried out when the consumer gets to it).
   */
  async replay(consumer: string, waitMs = REPLAY_WAIT_MS): Promise<ParkedEventDocument[]> {
    await this.assertKnown(consumer);
    const ids = await this.parked.requestReplay(consumer);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const records = await this.parked.byIds(ids);
      if (records.every((r) => r.state !== 'replay-requested') || Date.now() >= deadline) return records;
      await sleep(REPLAY_POLL_MS);
    }
  }

  async discard(id: string): Promise<ParkedEventDocument> {
    const discarded = await this.parked.discard(id);
    if (discarded) return discarded;
    const record = await this.parked.find(id);
    if (record?.state === 'replay-requested') throw parkedEventReplayPending(id);
    throw parkedEventNotFound(id);
  }

  /** A consumer running here, or one that has stored a checkpoint or parked an event anywhere. */
  private async assertKnown(consumer: string): Promise<void> {
    const running = [...this.projections.status(), ...this.reactors.status()];
    if (running.some((status) => status.name === consumer)) return;
    if ((await this.checkpoints.load(consumer)) || (await this.parked.hasConsumer(consumer))) return;
    throw unknownConsumer(consumer);
  }
}
