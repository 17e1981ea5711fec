import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written in a request or while handling an event says about it. Ids only:
 * nothing here may hold personal data.
 */
export interface LogFields {
  correlationId?: string;
  causationId?: string;
  commandId?: string;
  eventId?: string;
  eventType?: string;
  /** The subscription handling the event: `reactor:notifications`, `projection:…`. */
  consumer?: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with these fields on every line it logs (and its callbacks log), over the current ones. */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Enters a request's own fields object, which later steps of the request extend in place. */
export function enterLogFields<T>(fields: LogFields, fn: () => T): T {
  return storage.run(fields, fn);
}

/** Adds fields learnt along the way (the user, once the session is checked) to the current scope. */
export function addLogFields(fields: LogFields): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

export function currentLogFields(): LogFields | undefined {
  return storage.getStore();
}
