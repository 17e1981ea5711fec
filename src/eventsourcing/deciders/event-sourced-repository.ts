import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventStoreDBClient,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventSerializer } from '../event-store/event-serializer';
import { CommandContext, CommandResult } from './command-context';
import { Decider, DomainEvent } from './decider';
import { ConcurrencyConflictError } from './domain-error';

/** A stream's folded state at a revision, with the ids of every command in it. */
interface KnownStream<State> {
  decider: object;
  state: State;
  /** Undefined when the stream does not exist yet. */
  revision?: bigint;
  lastPosition?: bigint;
  commandIds: Set<string>;
  /** Set when this command id already appended to the stream. */
  repeated?: CommandResult;
}

/** How many streams' states are kept between commands. */
const KNOWN_STREAMS = 10_000;

/**
 * The one way commands change state: read the stream and fold it, decide, and append with the
 * revision read as the expected revision. A conflict re-runs the whole cycle a bounded number of
 * times. A command whose id is already in the stream appends nothing and returns its first result.
 *
 * The state each stream had after this process's last successful command is kept. A command that
 * yields events on it is appended straight away, with that state's revision as the expected one:
 * one round trip instead of two. Anything else (a conflict, a no-op, a refusal) goes through a
 * fresh read, so a stale state can never decide anything that lands.
 */
export class EventSourcedRepository {
  private readonly known = new Map<string, KnownStream<unknown>>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly maxAttempts = 10,
  ) {}

  async handle<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    const fast = await this.tryKnownState(streamId, decider, command, context);
    if (fast) return fast;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const loaded = await this.load(streamId, decider, context.commandId);
      if (loaded.repeated) return loaded.repeated;
      const events = decider.decide(command, loaded.state);
      if (events.length === 0) {
        return { streamId, revision: loaded.revision ?? -1n, position: loaded.lastPosition ?? -1n };
      }
      const result = await this.append(streamId, decider, loaded, events, context);
      if (result) return result;
      // Spread the retries of commands racing on one stream.
      await sleep(Math.random() * 5 * attempt);
    }
    throw new ConcurrencyConflictError(streamId, this.maxAttempts);
  }

  /** Decides on the state kept from the last command (or the empty one) and appends; undefined to take the slow path. */
  private async tryKnownState<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult | undefined> {
    const kept = this.known.get(streamId) as KnownStream<State> | undefined;
    const base: KnownStream<State> =
      kept?.decider === decider ? kept : { decider, state: decider.initialState, commandIds: new Set() };
    if (base.commandIds.has(context.commandId)) return undefined;
    let events: Event[];
    try {
      events = decider.decide(command, base.state);
    } catch {
      return undefined;
    }
    if (events.length === 0) return undefined;
    return this.append(streamId, decider, base, events, context);
  }

  /** Appends at the base's revision and keeps the new state; undefined on a conflict. */
  private async append<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    base: KnownStream<State>,
    events: Event[],
    context: CommandContext,
  ): Promise<CommandResult | undefined> {
    try {
      const result = await this.client.appendToStream(streamId, this.serializer.serialize(events, context), {
        expectedRevision: base.revision ?? NO_STREAM,
      });
      const outcome = { streamId, revision: result.nextExpectedRevision, position: result.position!.commit };
      this.remember(streamId, {
        decider,
        state: events.reduce(decider.evolve, base.state),
        revision: outcome.revision,
        lastPosition: outcome.position,
        commandIds: new Set([...base.commandIds, context.commandId]),
      });
      return outcome;
    } catch (error) {
      this.known.delete(streamId);
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  private remember(streamId: string, stream: KnownStream<unknown>): void {
    this.known.delete(streamId);
    this.known.set(streamId, stream);
    if (this.known.size > KNOWN_STREAMS) this.known.delete(this.known.keys().next().value!);
  }

  private async load<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    commandId: string,
  ): Promise<KnownStream<State>> {
    const loaded: KnownStream<State> = { decider, state: decider.initialState, commandIds: new Set() };
    try {
      for await (const resolved of this.client.readStream(streamId)) {
        loaded.revision = resolved.event!.revision;
        loaded.lastPosition = resolved.event!.position?.commit;
        const event = this.serializer.deserialize(resolved);
        if (!event) continue;
        loaded.state = decider.evolve(loaded.state, event as unknown as Event);
        loaded.commandIds.add(event.metadata.commandId);
        if (event.metadata.commandId === commandId) {
          loaded.repeated = { streamId, revision: event.revision, position: event.position };
        }
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return loaded;
  }
}
