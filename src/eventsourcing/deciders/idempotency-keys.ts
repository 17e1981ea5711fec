import { createHmac, randomUUID } from 'node:crypto';
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

/** What recording a command id found. */
export interface Recorded {
  /** This call made the first record: no event of this command can be in any stream yet. */
  fresh: boolean;
  /** The command already changed nothing: the result every repeat gives. */
  unchanged?: CommandResult;
}

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
    /** Keys the fingerprints: a command's input may be personal, and must not be guessable from them. */
    private readonly fingerprintKey: string,
  ) {}

  claim(streamId: string, command: { type: string }, context: CommandContext): IdempotencyClaim {
    return new IdempotencyClaim(this.client, this.serializer, context, {
      commandType: command.type,
      streamId,
      fingerprint: fingerprintOf(this.fingerprintKey, streamId, command),
    });
  }
}

/** One command's hold on its id. */
export class IdempotencyClaim {
  /** True once this call made the first record: only it can then append this command's events. */
  private fresh: boolean | undefined;

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
   * Records the id for this command, before its events or, for a command that changed nothing,
   * with that result. Answers whether this call made the first record, and the result a repeat
   * must give when the command already changed nothing. Throws when the id names another command.
   */
  async record(unchanged?: CommandResult): Promise<Recorded> {
    if (this.fresh === undefined) {
      this.fresh = await this.recordFirst(unchanged);
      if (this.fresh) return { fresh: true };
    }
    // Recorded before, by this call (it lost a race) or by an earlier one: every answer is put in
    // order on the record's own stream, so a repeat can only ever give the first.
    for (;;) {
      const latest = await this.latestRecord();
      if (latest?.data.unchanged) {
        return { fresh: false, unchanged: resultOf(this.accepted.streamId, latest.data.unchanged) };
      }
      if (!unchanged || !latest) return { fresh: this.fresh };
      try {
        await this.append(unchanged, latest.revision);
        return { fresh: false, unchanged };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  }

  /** Refuses the command when its id was first used for something else; returns the latest record. */
  async verify(): Promise<CommandAccepted['data'] | undefined> {
    return (await this.latestRecord())?.data;
  }

  /**
   * The result this command gave when its id was first used and it changed nothing, if so.
   * Throws when the id names another command.
   */
  async earlierResult(): Promise<CommandResult | undefined> {
    const unchanged = (await this.verify())?.unchanged;
    return unchanged && resultOf(this.accepted.streamId, unchanged);
  }

  /** True when this call made the first record; false when the id was recorded already. */
  private async recordFirst(unchanged?: CommandResult): Promise<boolean> {
    try {
      await this.append(unchanged, NO_STREAM);
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      return false;
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
  }

  /** The newest record and its revision; refuses the command when the id names another one. */
  private async latestRecord(): Promise<{ data: CommandAccepted['data']; revision: bigint } | undefined> {
    let latest: { data: CommandAccepted['data']; revision: bigint } | undefined;
    try {
      // Read to the end (of one event): leaving the loop early would leave the call open.
      const read = this.client.readStream(this.stream, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      });
      for await (const resolved of read) {
        const event = this.serializer.deserialize(resolved);
        if (event) latest = { data: event.data as CommandAccepted['data'], revision: event.revision };
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    if (latest && latest.data.fingerprint !== this.accepted.fingerprint) {
      throw new IdempotencyKeyReusedError(this.context.commandId);
    }
    return latest;
  }
}

const resultOf = (streamId: string, unchanged: { revision: string; position: string }): CommandResult => ({
  streamId,
  revision: BigInt(unchanged.revision),
  position: BigInt(unchanged.position),
});

/**
 * A keyed digest of what a command asks of which stream. Left out: `now`, when it was decided,
 * and `proof`, what the caller showed to be allowed (checked against the state, like a revision).
 */
export function fingerprintOf(key: string, streamId: string, command: object): string {
  const { now: _now, proof: _proof, ...asked } = command as { now?: unknown; proof?: unknown };
  return createHmac('sha256', key)
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
