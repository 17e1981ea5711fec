import { randomUUID } from 'node:crypto';
import { ProposedEvent } from './event-log.types';

/** How long a node keeps its scavenge history: EventStoreDB's default of 30 days, in seconds. */
const SCAVENGE_HISTORY_MAX_AGE = 30 * 24 * 60 * 60;

/**
 * What a new store writes before anything else, as a new EventStoreDB/KurrentDB node does when it
 * first becomes leader, so `$all` never starts with the client's own events.
 *
 * The subset written is what an insecure node (no TLS, hence no users) without server-side
 * projections writes and shows in `$all`: the metadata of `$scavenges`, the stream holding
 * scavenge history, giving it its `$maxAge` and an ACL letting `$ops` read it (EventStoreDB's
 * `TFChunkScavengerLogManager`). A real node's `$epoch-information` events are left out: reads of
 * `$all` do not show them. A secure node's default users (`$user-admin`, `$user-ops`, `$users`)
 * and a node running projections' `$projections-*` streams are not written either, as the
 * embedded server has neither.
 */
export function freshStoreWrites(): { streamId: string; events: ProposedEvent[] }[] {
  const scavengesMetadata = {
    $maxAge: SCAVENGE_HISTORY_MAX_AGE,
    $acl: { $r: '$ops', $w: [], $d: [], $mr: [], $mw: [] },
  };
  return [{ streamId: '$$$scavenges', events: [jsonEvent('$metadata', scavengesMetadata)] }];
}

function jsonEvent(type: string, data: unknown): ProposedEvent {
  return {
    eventId: randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data)),
    metadata: Buffer.alloc(0),
  };
}
