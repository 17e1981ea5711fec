import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { RecordedDomainEvent } from '../event-store/event-metadata';
import { EventSerializer } from '../event-store/event-serializer';
import { CommandContext, CommandResult } from './command-context';
import { CodedError } from './coded-error';
import { ConcurrencyConflictError, WrongExpectedRevisionError } from './command-errors';
import { Decider, DomainEvent } from './decider';
import { IdempotencyClaim, IdempotencyKeys } from './idempotency-keys';
import { Snapshots } from './snapshots';
import { traceAppend, traceCommand } from '../../observability/tracing/command-span';

/** A stream's folded state at a revision. */
interface StreamState<State> {
  decider: object;
  state: State;
  /** -1 when the stream does not exist yet. */
  revision: bigint;
  lastPosition: bigint;
  /** Events folded since the last snapshot (or since the start). */
  sinceSnapshot: number;
}

/** How many streams' states are kept between commands. */
const KEPT_STREAMS = 10_000;

/**
 * The one way commands change state: read the stream and fold it, decide, and append with the
 * revision read as the expected revision. A conflict re-runs the whole cycle a bounded number of
 * times, unless the client named the revision it decided on: then the command is decided against
 * exactly that revision or refused with WRONG_EXPECTED_REVISION.
 *
 * Command ids are idempotency keys (see IdempotencyKeys): a command whose id is already in the
 * stream, or whose id was recorded for the same command that changed nothing, appends nothing
 * and returns its first result; an id that named another command is refused.
 *
 * The state a stream had after this process's last command is kept when it is exactly what the
 * store holds: the append was of events only this command could write. A command that yields
 * events on it is appended straight away with that state's revision expected, sparing the read.
 * Anything else (a conflict, a no-op, a refusal, an id seen before) goes through a fresh read.
 */
export class EventSourcedRepository {
  private readonly kept = new Map<string, StreamState<unknown>>();
  private readonly idempotencyKeys: IdempotencyKeys;
  private readonly snapshots: Snapshots;

  private readonly maxAttempts: number;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    options: { fingerprintKey: string; maxAttempts?: number },
  ) {
    this.idempotencyKeys = new IdempotencyKeys(client, serializer, options.fingerprintKey);
    this.snapshots = new Snapshots(client);
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  async handle<State, Command extends { type: string }, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    commandContext: CommandContext,
  ): Promise<CommandResult> {
    const context = { ...commandContext, commandId: commandContext.commandId.toLowerCase() };
    return traceCommand(command.type, streamId, context, async () => {
      const claim = this.idempotencyKeys.claim(streamId, command, context);
      return (
        (await this.tryKeptState(streamId, decider, command, context, claim)) ??
        (await this.decideOnFreshState(streamId, decider, command, context, claim))
      );
    });
  }

  /**
   * Refuses, writing nothing, a command whose id already names another command: for commands
   * that must know this before a first step elsewhere.
   */
  async verifyCommandId(streamId: string, command: { type: string }, context: CommandContext): Promise<void> {
    const normalised = { ...context, commandId: context.commandId.toLowerCase() };
    await this.idempotencyKeys.claim(streamId, command, normalised).verify();
  }

  /** A stream's current state and revision (-1 when it does not exist), read afresh. */
  async read<State, Command extends { type: string }, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
  ): Promise<{ state: State; revision: bigint }> {
    const { stream } = await this.load(streamId, decider, '', true);
    return { state: stream.state, revision: stream.revision };
  }

  private async decideOnFreshState<State, Command extends { type: string }, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
    claim: IdempotencyClaim,
  ): Promise<CommandResult> {
    let fromSnapshot = decider.snapshot !== undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let { stream, repeated } = await this.load(streamId, decider, context.commandId, fromSnapshot);
      // A command id seen before may be a repeat whose events are older than the snapshot: only a
      // read of the whole stream finds them. Asked after the snapshot is read, since a snapshot
      // holding a repeat's events was written after the repeat's record.
      if (fromSnapshot && (await claim.verify()) !== undefined) {
        fromSnapshot = false;
        ({ stream, repeated } = await this.load(streamId, decider, context.commandId, false));
      }
      if (repeated) {
        await claim.verify();
        return repeated;
      }
      let events: Event[];
      try {
        const expected = context.expectedRevision;
        if (expected !== undefined && expected !== stream.revision) {
          throw new WrongExpectedRevisionError(expected, stream.revision);
        }
        events = decider.decide(command, stream.state);
      } catch (error) {
        // A repeat of a command that changed nothing answers as it did, whatever happened since;
        // an id that named another command is refused as such.
        if (!(error instanceof CodedError)) throw error;
        const earlier = await claim.earlierResult();
        if (earlier) return earlier;
        throw error;
      }
      if (events.length === 0) {
        // Recorded too, so that a repeat answers the same even once the command would change something.
        const unchanged = { streamId, revision: stream.revision, position: stream.lastPosition };
        return (await claim.record(unchanged)).unchanged ?? unchanged;
      }
      const recorded = await claim.record();
      if (recorded.unchanged) return recorded.unchanged;
      const result = await this.append(streamId, stream, events, context, recorded.fresh);
      if (result) return result;
      // Spread the retries of commands racing on one stream.
      await sleep(Math.random() * 5 * attempt);
    }
    throw new ConcurrencyConflictError(streamId, this.maxAttempts);
  }

  /** Decides on the kept state (or the empty one) and appends; undefined to take the slow path. */
  private async tryKeptState<State, Command extends { type: string }, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
    claim: IdempotencyClaim,
  ): Promise<CommandResult | undefined> {
    const kept = this.kept.get(streamId) as StreamState<State> | undefined;
    const base: StreamState<State> =
      kept?.decider === decider
        ? kept
        : { decider, state: decider.initialState, revision: -1n, lastPosition: -1n, sinceSnapshot: 0 };
    if (context.expectedRevision !== undefined && context.expectedRevision !== base.revision) return;
    let events: Event[];
    try {
      events = decider.decide(command, base.state);
    } catch {
      return;
    }
    if (events.length === 0) return;
    // An id seen before may be a repeat: only a fresh read can tell.
    if (!(await claim.record()).fresh) return;
    return this.append(streamId, base, events, context, true);
  }

  /** Appends at the base's revision; undefined on a conflict that may be retried. */
  private async append<State, Event extends DomainEvent>(
    streamId: string,
    base: StreamState<State>,
    events: Event[],
    context: CommandContext,
    /** True when no other request can have written this command's events. */
    ownEvents: boolean,
  ): Promise<CommandResult | undefined> {
    try {
      const sealed = await this.serializer.seal(events);
      const appended = await traceAppend(streamId, events.length, () =>
        this.client.appendToStream(streamId, this.serializer.serialize(streamId, sealed, context), {
          expectedRevision: base.revision === -1n ? NO_STREAM : base.revision,
        }),
      );
      const result = {
        streamId,
        revision: appended.nextExpectedRevision,
        position: appended.position!.commit,
      };
      // Only events no one else could have written make a state the store surely holds.
      if (ownEvents) {
        const decider = base.decider as Decider<State, { type: string }, Event>;
        const state = events.reduce(decider.evolve, base.state);
        const kept = {
          decider,
          state,
          revision: result.revision,
          lastPosition: result.position,
          sinceSnapshot: base.sinceSnapshot + events.length,
        };
        this.keep(streamId, kept);
        if (decider.snapshot && kept.sinceSnapshot >= decider.snapshot.every) {
          kept.sinceSnapshot = 0;
          // A copy: the kept state's collections are extended in place by the commands to come.
          await this.snapshots.save(streamId, decider.snapshot, { ...kept, state: structuredClone(state) });
        }
      } else {
        this.kept.delete(streamId);
      }
      return result;
    } catch (error) {
      this.kept.delete(streamId);
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (context.expectedRevision !== undefined) {
        throw new WrongExpectedRevisionError(context.expectedRevision, revisionOf(error.actualVersion));
      }
      return undefined;
    }
  }

  private keep(streamId: string, stream: StreamState<unknown>): void {
    this.kept.delete(streamId);
    this.kept.set(streamId, stream);
    if (this.kept.size > KEPT_STREAMS) this.kept.delete(this.kept.keys().next().value!);
  }

  private async load<State, Command extends { type: string }, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    commandId: string,
    fromSnapshot: boolean,
  ): Promise<{ stream: StreamState<State>; repeated?: CommandResult }> {
    const snapshot =
      fromSnapshot && decider.snapshot
        ? await this.snapshots.load<State>(streamId, decider.snapshot)
        : undefined;
    const stream: StreamState<State> = {
      decider,
      state: snapshot?.state ?? decider.initialState,
      revision: snapshot?.revision ?? -1n,
      lastPosition: snapshot?.lastPosition ?? -1n,
      sinceSnapshot: 0,
    };
    let repeated: CommandResult | undefined;
    const events: RecordedDomainEvent[] = [];
    const fromRevision = snapshot ? snapshot.revision + 1n : START;
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision })) {
        stream.revision = resolved.event!.revision;
        stream.lastPosition = resolved.event!.position?.commit ?? -1n;
        const event = this.serializer.deserialize(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    stream.sinceSnapshot = events.length;
    for (const event of await this.serializer.reveal(events)) {
      stream.state = decider.evolve(stream.state, event as unknown as Event);
      if (event.metadata.commandId === commandId) {
        repeated = { streamId, revision: event.revision, position: event.position };
      }
    }
    return { stream, repeated };
  }
}

/** The client reports a missing stream's revision as a string such as 'no_stream'. */
const revisionOf = (actual: bigint | string): bigint => (typeof actual === 'bigint' ? actual : -1n);
