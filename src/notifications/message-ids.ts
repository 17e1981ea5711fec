import { v5 as uuidV5 } from 'uuid';

/** Namespace of message ids (UUID v5). */
const NAMESPACE = '0b6f7c1e-93a4-4d2e-8f51-6c2a9e7d4b30';

/** The id of the e-mail an event sends to a person: one event e-mails one person at most once. */
export const messageIdFor = (eventId: string, userId: string): string =>
  uuidV5(`${eventId}/${userId}`, NAMESPACE);
