import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSerializer } from '../event-store/event-serializer';

/** Where an event lies: what the audit index keeps of it. */
export interface EventAddress {
  eventId: string;
  streamId: string;
  revision: number;
}

/** Events of one stream this close together are read in one call, the ones between skipped. */
const MAX_GAP = 16;
const READS_IN_FLIGHT = 16;

/**
 * The events themselves, for entries of the audit index: read from their streams, a run of
 * nearby revisions per call, decrypted where their person is still known and with confidential
 * fields redacted, as the audit trail shows every event. An event no longer in the store (its
 * stream deleted) is left out.
 */
export async function loadEvents(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  addresses: readonly EventAddress[],
): Promise<RecordedDomainEvent[]> {
  const runs = revisionRuns(addresses);
  const found = new Map<string, RecordedDomainEvent>();
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const run = runs[next++];
      for (const event of await readRun(client, serializer, run)) {
        if (run.wanted.has(event.eventId)) found.set(event.eventId, event);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, runs.length) }, worker));
  const events = addresses.flatMap((address) => found.get(address.eventId) ?? []);
  return serializer.redact(await serializer.reveal(events));
}

interface Run {
  streamId: string;
  from: number;
  to: number;
  wanted: Set<string>;
}

function revisionRuns(addresses: readonly EventAddress[]): Run[] {
  const byStream = new Map<string, EventAddress[]>();
  for (const address of addresses) {
    const list = byStream.get(address.streamId) ?? [];
    list.push(address);
    byStream.set(address.streamId, list);
  }
  const runs: Run[] = [];
  for (const [streamId, list] of byStream) {
    list.sort((a, b) => a.revision - b.revision);
    let run: Run | undefined;
    for (const { eventId, revision } of list) {
      if (!run || revision - run.to > MAX_GAP) {
        runs.push((run = { streamId, from: revision, to: revision, wanted: new Set() }));
      }
      run.to = revision;
      run.wanted.add(eventId);
    }
  }
  return runs;
}

async function readRun(
  client: EventStoreDBClient,
  serializer: EventSerializer,
  run: Run,
): Promise<RecordedDomainEvent[]> {
  const events: RecordedDomainEvent[] = [];
  try {
    const read = client.readStream(run.streamId, {
      fromRevision: BigInt(run.from),
      maxCount: run.to - run.from + 1,
    });
    for await (const resolved of read) {
      const event = serializer.deserialize(resolved);
      if (event) events.push(event);
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return events;
}
