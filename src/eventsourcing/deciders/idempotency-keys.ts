import { createHash, randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventSerializer } from '../event-store/event-serializer';
import { CommandContext, CommandResult } from './command-context';
import { IdempotencyKeyReusedError } from './command-errors';

export const COMMAND_ACCEPTED = 'CommandAccepted';

/** What a command id names, recorded in the command's own stream; the latest record counts. */
export interface CommandAccepted {
  type: typeof COMMAND_ACCEPTED;
  data: {
    commandType: string;
    streamId: string;
    fingerprint: string;
    /** Set when the command changed nothing: the result it gave then, positions in decimal. */
    unchanged?: { revision: string; position: string };
  };
}

/** What recording a command id found: the command's own fresh record, or its earlier one. */
export type Recorded = { fresh: true } | { fresh: false; unchanged?: CommandResult };

/** The stream that records which command a command id names. */
export const commandStreamId = (commandId: string) => `command-${commandId}`;

/**
 * Command ids are idempotency keys across the whole store: the first command that is decided
 * under an id records what it was (its type, its stream, a fingerprint of its input, and its
 * result when it changed nothing) in the stream `command-<id>`, created with NO_STREAM, so the
 * event store itself arbitrates between racing requests. The same id sent again for anything
 * else is refused.
 */
export class IdempotencyKeys {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
  ) {}

  claim(streamId: string, command: { type: string }, context: CommandContext): IdempotencyClaim {
    return new IdempotencyClaim(this.client, this.serializer, context, {
      commandType: command.type,
      streamId,
      fingerprint: fingerprintOf(streamId, command),
    });
  }
}

/** One command's hold on its id. */
export class IdempotencyClaim {
  private outcome: Recorded | undefined;
  private recordedUnchanged = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly context: CommandContext,
    private readonly accepted: CommandAccepted['data'],
  ) {}

  private get stream(): string {
    return commandStreamId(this.context.commandId);
  }

  /**
   * Records the id for this command, before its events or with the result of a command that
   * changed nothing. Fresh when this call recorded it: then no event of this command can be in
   * any stream yet. Throws when the id names another command.
   */
  async record(unchanged?: CommandResult): Promise<Recorded> {
    if (!this.outcome) {
      this.outcome = await this.recordFirst(unchanged);
    } else if (this.outcome.fresh && unchanged && !this.recordedUnchanged) {
      // Recorded before its events, it lost a race and now changes nothing: say so, for repeats.
      await this.append(unchanged, 0n);
    }
    return this.outcome;
  }

  private async recordFirst(unchanged?: CommandResult): Promise<Recorded> {
    try {
      await this.append(unchanged, NO_STREAM);
      return { fresh: true };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const unchanged = (await this.verify())?.unchanged;
      return unchanged
        ? { fresh: false, unchanged: resultOf(this.accepted.streamId, unchanged) }
        : { fresh: false };
    }
  }

  private async append(unchanged: CommandResult | undefined, expectedRevision: bigint | typeof NO_STREAM) {
    const data = unchanged
      ? {
          ...this.accepted,
          unchanged: { revision: String(unchanged.revision), position: String(unchanged.position) },
        }
      : this.accepted;
    const event: CommandAccepted = { type: COMMAND_ACCEPTED, data };
    // A fresh event id each time: the store must refuse a second record, not take it as a repeat.
    const [recorded] = this.serializer.serialize(this.stream, [event], this.context);
    await this.client.appendToStream(this.stream, { ...recorded, id: randomUUID() }, { expectedRevision });
    this.recordedUnchanged = unchanged !== undefined;
  }

  /** Refuses the command when its id was first used for something else; returns the latest record. */
  async verify(): Promise<CommandAccepted['data'] | undefined> {
    const latest = await this.latestRecord();
    if (latest && latest.fingerprint !== this.accepted.fingerprint) {
      throw new IdempotencyKeyReusedError(this.context.commandId);
    }
    return latest;
  }

  /**
   * The result this command gave when its id was first used and it changed nothing, if so.
   * Throws when the id names another command.
   */
  async earlierResult(): Promise<CommandResult | undefined> {
    const unchanged = (await this.verify())?.unchanged;
    return unchanged && resultOf(this.accepted.streamId, unchanged);
  }

  private async latestRecord(): Promise<CommandAccepted['data'] | undefined> {
    let latest: CommandAccepted['data'] | undefined;
    try {
      // Read to the end (of one event): leaving the loop early would leave the call open.
      const read = this.client.readStream(this.stream, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const resolved of read) {
        latest = this.serializer.deserialize(resolved)?.data as CommandAccepted['data'] | undefined;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return latest;
  }
}

const resultOf = (streamId: string, unchanged: { revision: string; position: string }): CommandResult => ({
  streamId,
  revision: BigInt(unchanged.revision),
  position: BigInt(unchanged.position),
});

/** A digest of what a command asks of which stream; `now`, when it was decided, is left out. */
export function fingerprintOf(streamId: string, command: object): string {
  const { now: _now, ...asked } = command as { now?: unknown };
  return createHash('sha256')
    .update(canonicalJson({ streamId, command: asked }))
    .digest('base64url');
}

/** JSON with object keys sorted, so equal values always give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}
