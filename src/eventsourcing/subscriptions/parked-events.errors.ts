import { CodedError } from '../deciders/coded-error';

export const unknownConsumer = (consumer: string) =>
  new CodedError('UNKNOWN_CONSUMER', `No subscription is named ${consumer}.`, { consumer });

export const parkedEventNotFound = (id: string) =>
  new CodedError('PARKED_EVENT_NOT_FOUND', `No event is parked with the id ${id}.`, { id });

export const parkedEventReplayPending = (id: string) =>
  new CodedError(
    'PARKED_EVENT_REPLAY_PENDING',
    `The parked event ${id} is being replayed; discard it once its replay has failed.`,
    { id },
  );
