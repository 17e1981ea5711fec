/** What the causation tree needs of an event. */
export interface CausedEvent {
  eventId: string;
  type: string;
  streamId: string;
  position: bigint;
  commandId: string;
  causationId: string;
  /** Set on a command's own record (`CommandAccepted`): the command's type. */
  commandType?: string;
}

/**
 * A command of the flow, the events it appended, and the commands it caused directly (the steps
 * of a command that acts on several streams); each event with the commands it caused in turn.
 */
export interface CommandNode {
  commandId: string;
  /** As the command's record names it; null for a command that left no record. */
  commandType: string | null;
  /** The command or event that caused this command; none for a command a client sent. */
  causedBy: string | null;
  events: EventNode[];
  caused: CommandNode[];
}

export interface EventNode {
  eventId: string;
  type: string;
  streamId: string;
  position: string;
  caused: CommandNode[];
}

/**
 * Which command or event caused which, from the events of one flow in `$all` order: every event
 * under the command that appended it, every command under the command or event that caused it. A
 * command whose cause is not in the flow (a client's, or one caused outside it) is a root. A
 * command's own record gives its type, and is not listed among its events.
 * Siblings keep the order of their first event.
 */
export function causationTree(events: readonly CausedEvent[]): CommandNode[] {
  const commands = new Map<string, CommandNode>();
  const eventNodes = new Map<string, EventNode>();
  for (const event of events) {
    let command = commands.get(event.commandId);
    if (!command) {
      const causedBy = event.causationId === event.commandId ? null : event.causationId;
      command = { commandId: event.commandId, commandType: null, causedBy, events: [], caused: [] };
      commands.set(event.commandId, command);
    }
    if (event.commandType !== undefined) {
      command.commandType = event.commandType;
      continue;
    }
    const node: EventNode = {
      eventId: event.eventId,
      type: event.type,
      streamId: event.streamId,
      position: String(event.position),
      caused: [],
    };
    command.events.push(node);
    eventNodes.set(event.eventId, node);
  }
  const roots: CommandNode[] = [];
  for (const command of commands.values()) {
    const cause =
      command.causedBy === null
        ? undefined
        : (eventNodes.get(command.causedBy) ?? commands.get(command.causedBy));
    // A cause inside the command's own subtree would make a cycle: such a command stays a root.
    if (cause && !contains(command, cause)) cause.caused.push(command);
    else roots.push(command);
  }
  return roots;
}

const contains = (command: CommandNode, node: CommandNode | EventNode): boolean =>
  command === node ||
  command.caused.some((child) => contains(child, node)) ||
  command.events.some((event) => event === node || event.caused.some((child) => contains(child, node)));
