import { Decider, DomainEvent } from '../deciders/decider';

/** What folding a stream needs of its decider. */
export type Fold = Pick<Decider<unknown, { type: string }, DomainEvent>, 'initialState' | 'evolve'>;

/** The decider that owns the streams a stream id function names (`user-…`, `meetup-…`). */
export interface StreamDecider {
  category: string;
  decider: Fold;
}

/** Registers a decider for the category its stream id function names: `user` for `user-<id>`. */
export function streamDecider(streamIdOf: (id: string) => string, decider: Fold): StreamDecider {
  const prefix = streamIdOf('');
  if (!prefix.endsWith('-')) throw new Error(`A stream id function names <category>-<id>, not ${prefix}<id>`);
  return { category: prefix.slice(0, -1), decider };
}

/** Every context's deciders by stream category, for folding any stream as its owner does. */
export class StreamDeciders {
  private readonly byCategory: Map<string, Fold>;

  constructor(deciders: StreamDecider[]) {
    this.byCategory = new Map(deciders.map(({ category, decider }) => [category, decider]));
  }

  get categories(): string[] {
    return [...this.byCategory.keys()];
  }

  /** The decider of a stream, by the category before its first `-`. */
  of(streamId: string): Fold | undefined {
    const dash = streamId.indexOf('-');
    return dash > 0 ? this.byCategory.get(streamId.slice(0, dash)) : undefined;
  }
}
