/** The meetup mutations as clients send them, each returning its CommandResult. */
export const SCHEDULE = `mutation Schedule($input: ScheduleMeetupInput!) {
  scheduleMeetup(input: $input) { id revision position }
}`;
export const PUBLISH = `mutation Publish($input: PublishMeetupInput!) {
  publishMeetup(input: $input) { id revision position }
}`;
export const RESCHEDULE = `mutation Reschedule($input: RescheduleMeetupInput!) {
  rescheduleMeetup(input: $input) { id revision position }
}`;
export const CANCEL = `mutation Cancel($input: CancelMeetupInput!) {
  cancelMeetup(input: $input) { id revision position }
}`;

/** An RFC 3339 time `days` from now. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
