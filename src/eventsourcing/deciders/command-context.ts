/** Who asked for a command, and which conversation it belongs to. */
export interface CommandContext {
  /** Identifies the command; a retried command carries the same id and appends nothing new. */
  commandId: string;
  correlationId: string;
  /** The command id, or the id of the event that caused it (process managers, reactors). */
  causationId: string;
  userId?: string;
}

/** A command's outcome: where its events landed. `position` is the consistency token. */
export interface CommandResult {
  streamId: string;
  /** The stream's revision after the command. */
  revision: bigint;
  /** The `$all` commit position of the command's last event. */
  position: bigint;
}
