import { v5 as uuidV5 } from 'uuid';

/** Namespace of every id derived here (UUID v5). */
const NAMESPACE = 'c5b3f1de-5f0a-4b8e-9a53-2d0f3c6a8e41';

/**
 * The id of the `index`-th event a command appends to a stream: the same for every retry of
 * that command, and unique across the store.
 */
export const eventIdFor = (streamId: string, commandId: string, index: number): string =>
  uuidV5(`${streamId}/${commandId}/${index}`, NAMESPACE);

/** The id of the aggregate a creating command starts: a retried creation lands on the same one. */
export const aggregateIdFor = (commandId: string): string => uuidV5(`${commandId}/aggregate`, NAMESPACE);

/** The id of one step of a command that appends to several streams: each step is a command of its own. */
export const stepCommandId = (commandId: string, step: string): string =>
  uuidV5(`${commandId}/step/${step}`, NAMESPACE);

/** The id of an event parked by a consumer: parking it again (after a crash) finds the same record. */
export const parkedEventIdFor = (consumer: string, eventId: string): string =>
  uuidV5(`${consumer}/parked/${eventId}`, NAMESPACE);
