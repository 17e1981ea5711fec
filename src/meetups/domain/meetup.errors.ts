import { DomainError } from '../../eventsourcing/deciders/domain-error';

export const meetupNotFound = (meetupId: string) =>
  new DomainError('MEETUP_NOT_FOUND', `Meetup ${meetupId} does not exist.`, { meetupId });

export const meetupCancelled = (meetupId: string) =>
  new DomainError('MEETUP_CANCELLED', `Meetup ${meetupId} is cancelled.`, { meetupId });

export const meetupAlreadyExists = (meetupId: string) =>
  new DomainError('MEETUP_ALREADY_EXISTS', `Meetup ${meetupId} already exists.`, { meetupId });

export const invalidStart = (startsAt: Date) =>
  new DomainError('INVALID_START', `A meetup must start in the future; ${startsAt.toISOString()} is not.`, {
    startsAt: startsAt.toISOString(),
  });

export const meetupNotPublished = (meetupId: string) =>
  new DomainError('MEETUP_NOT_PUBLISHED', `Meetup ${meetupId} is not published yet.`, { meetupId });
export const meetupStarted = (meetupId: string) =>
  new DomainError('MEETUP_STARTED', `Meetup ${meetupId} has started: no more tickets.`, { meetupId });
export const soldOut = (meetupId: string, seatsAvailable: number) =>
  new DomainError('SOLD_OUT', `Meetup ${meetupId} has ${seatsAvailable} seats left.`, {
    meetupId,
    seatsAvailable,
  });
