/** The event stream of a meetup: the API speaks meetup ids, the store stream names. */
export const toStreamId = (meetupId: string): string => `meetup-${meetupId}`;
