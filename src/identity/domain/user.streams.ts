/** A user's own stream. */
export const userStreamId = (userId: string): string => `user-${userId}`;

/** The stream that says which user holds an address, named by the address's keyed hash. */
export const emailReservationStreamId = (emailKey: string): string => `useremail-${emailKey}`;
