import { stepCommandId } from '../event-store/deterministic-ids';
import { RecordedDomainEvent } from '../event-store/event-metadata';

/** Who asked for a command, and which conversation it belongs to. */
export interface CommandContext {
  /** A lower-case UUID; a retried command carries the same id and appends nothing new. */
  commandId: string;
  correlationId: string;
  /** The command id, or the id of the event that caused it (process managers, reactors). */
  causationId: string;
  userId?: string;
  /** When set, the command is decided against exactly this stream revision, or refused. */
  expectedRevision?: bigint;
}

/** A command's outcome: where its events landed. `position` is the consistency token. */
export interface CommandResult {
  streamId: string;
  /** The stream's revision after the command; -1 when the stream still does not exist. */
  revision: bigint;
  /** The `$all` commit position of the command's last event. */
  position: bigint;
}

/**
 * The context of a command a reactor or process issues on an event: its id derived from the
 * event and the step (so a replay repeats nothing), in the event's conversation, caused by it.
 */
export function reactionContext(event: RecordedDomainEvent, step: string): CommandContext {
  return {
    commandId: stepCommandId(event.eventId, step),
    correlationId: event.metadata.correlationId,
    causationId: event.eventId,
    ...(event.metadata.userId ? { userId: event.metadata.userId } : {}),
  };
}
