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

interface LoadedStream<State> {
  state: State;
  /** Undefined when the stream does not exist yet. */
  revision?: bigint;
  lastPosition?: bigint;
  /** Set when this command id already appended to the stream. */
  repeated?: CommandResult;
}

/**
 * The one way commands change state: read the stream and fold it, decide, and append with the
 * revision read as the expected revision. A conflict re-runs the whole cycle a bounded number of
 * times. A command whose id is already in the stream appends nothing and returns its first result.
 */
export class EventSourcedRepository {
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
    const created = await this.tryCreate(streamId, decider, command, context);
    if (created) return created;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const loaded = await this.load(streamId, decider, context.commandId);
      if (loaded.repeated) return loaded.repeated;
      const events = decider.decide(command, loaded.state);
      if (events.length === 0) {
        return { streamId, revision: loaded.revision ?? -1n, position: loaded.lastPosition ?? -1n };
      }
      try {
        const result = await this.client.appendToStream(
          streamId,
          this.serializer.serialize(events, context),
          {
            expectedRevision: loaded.revision ?? NO_STREAM,
          },
        );
        return { streamId, revision: result.nextExpectedRevision, position: result.position!.commit };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Spread the retries of commands racing on one stream.
        await sleep(Math.random() * 5 * attempt);
      }
    }
    throw new ConcurrencyConflictError(streamId, this.maxAttempts);
  }

  /**
   * A command that succeeds on an empty stream (one that creates) is first appended with
   * NO_STREAM without reading: one round trip instead of two. If the stream exists after all,
   * the normal cycle takes over; a repeat of the same command is recognised by the store.
   */
  private async tryCreate<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult | undefined> {
    let events: Event[];
    try {
      events = decider.decide(command, decider.initialState);
    } catch {
      return undefined;
    }
    if (events.length === 0) return undefined;
    try {
      const result = await this.client.appendToStream(streamId, this.serializer.serialize(events, context), {
        expectedRevision: NO_STREAM,
      });
      return { streamId, revision: result.nextExpectedRevision, position: result.position!.commit };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  private async load<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    commandId: string,
  ): Promise<LoadedStream<State>> {
    const loaded: LoadedStream<State> = { state: decider.initialState };
    try {
      for await (const resolved of this.client.readStream(streamId)) {
        loaded.revision = resolved.event!.revision;
        loaded.lastPosition = resolved.event!.position?.commit;
        const event = this.serializer.deserialize(resolved);
        if (!event) continue;
        loaded.state = decider.evolve(loaded.state, event as unknown as Event);
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
