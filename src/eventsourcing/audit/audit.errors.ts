import { CodedError } from '../deciders/coded-error';

export const streamNotFound = (streamId: string) =>
  new CodedError('STREAM_NOT_FOUND', `No stream is named ${streamId}.`, { streamId });

export const unknownStreamCategory = (streamId: string, categories: string[]) =>
  new CodedError(
    'UNKNOWN_STREAM_CATEGORY',
    `No decider owns ${streamId}: states are folded for streams of ${categories.join(', ')}.`,
    { streamId },
  );
