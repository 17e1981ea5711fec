import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { StoredEvent } from '../event-log.types';
import { InvalidRequest } from './messages';

/** EventStoreDB's default search window when the client asks for `count`. */
const DEFAULT_WINDOW = 32;

export interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** The most events one page of a filtered read scans (`maxSearchWindow`). */
  searchWindow: number;
  /** Events scanned between two checkpoints of a filtered subscription: window × multiplier. */
  checkpointInterval: number;
}

export const NO_FILTER: EventFilter = {
  matches: () => true,
  searchWindow: Infinity,
  checkpointInterval: Infinity,
};

export function compileFilter(options: ReadReq.Options.FilterOptions | undefined): EventFilter {
  if (!options) return NO_FILTER;
  const onType = options.hasEventType();
  const expression = onType ? options.getEventType() : options.getStreamIdentifier();
  if (!expression) throw new InvalidRequest('A filter needs an event type or stream name expression.');
  const test = compileExpression(expression);
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_WINDOW;
  const multiplier = Math.max(1, options.getCheckpointintervalmultiplier());
  return {
    matches: onType ? (event) => test(event.type) : (event) => test(event.streamId),
    searchWindow: window,
    checkpointInterval: window * multiplier,
  };
}

function compileExpression(expression: ReadReq.Options.FilterOptions.Expression): (value: string) => boolean {
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) return (value) => prefixes.some((prefix) => value.startsWith(prefix));
  const source = expression.getRegex();
  if (!source) throw new InvalidRequest('A filter expression needs a regex or at least one prefix.');
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch {
    throw new InvalidRequest(`Invalid filter regex '${source}'.`);
  }
  return (value) => regex.test(value);
}
