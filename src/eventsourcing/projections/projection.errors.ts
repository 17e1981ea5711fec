import { CodedError } from '../deciders/coded-error';

export const unknownProjection = (name: string, known: string[]) =>
  new CodedError(
    'UNKNOWN_PROJECTION',
    `No projection is named ${name}: one of ${known.join(', ')}. ` +
      'Reactors and process managers are never rebuilt; replay their parked events instead.',
    { projection: name },
  );
