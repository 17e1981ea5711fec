import { BACKWARDS, END, EventStoreDBClient, jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import { lru } from 'tiny-lru';

/** How a decider's state is snapshotted: every `every` events, under a version of its shape. */
export interface SnapshotPolicy {
  /** Bump it whenever the state's shape or `evolve` changes: older snapshots are then ignored. */
  version: number;
  every: number;
}

/** The event type of snapshots; consumers never see them. */
export const SNAPSHOT = 'Snapshot';

export interface Snapshot<State> {
  state: State;
  revision: bigint;
  lastPosition: bigint;
}

interface SnapshotData {
  version: number;
  revision: string;
  lastPosition: string;
  state: unknown;
}

/** The stream holding a stream's latest snapshot, and only that one (`$maxCount` 1). */
export const snapshotStreamId = (streamId: string): string => `snapshot-${streamId}`;

/**
 * A stream's folded state as of a revision, so that a long stream is decided from its snapshot
 * and the events after it. Only for deciders whose state holds no personal data: a snapshot is
 * kept as it is, outside crypto-shredding.
 */
export class Snapshots {
  /** Snapshot streams already limited to one event, as far as this process knows. */
  private readonly limited = lru<true>(10_000);

  constructor(private readonly client: EventStoreDBClient) {}

  async load<State>(streamId: string, policy: SnapshotPolicy): Promise<Snapshot<State> | undefined> {
    let data: SnapshotData | undefined;
    try {
      const read = this.client.readStream(snapshotStreamId(streamId), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const resolved of read) data = resolved.event?.data as SnapshotData | undefined;
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    if (!data || data.version !== policy.version) return undefined;
    return {
      state: data.state as State,
      revision: BigInt(data.revision),
      lastPosition: BigInt(data.lastPosition),
    };
  }

  /** Best effort: a snapshot that fails to be written only means a longer read next time. */
  async save<State>(streamId: string, policy: SnapshotPolicy, snapshot: Snapshot<State>): Promise<void> {
    const stream = snapshotStreamId(streamId);
    try {
      if (!this.limited.has(stream)) {
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        this.limited.set(stream, true);
      }
      const data: SnapshotData = {
        version: policy.version,
        revision: String(snapshot.revision),
        lastPosition: String(snapshot.lastPosition),
        state: snapshot.state,
      };
      await this.client.appendToStream(stream, jsonEvent({ type: SNAPSHOT, data: data as never }));
    } catch {
      // Nothing is lost: the events are the truth, the snapshot a shortcut.
    }
  }
}
