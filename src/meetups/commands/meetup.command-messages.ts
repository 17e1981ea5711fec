import { CommandContext } from '../../eventsourcing/deciders/command-context';
import { CancelMeetup, PublishMeetup, RescheduleMeetup, ScheduleMeetup } from '../domain/meetup.commands';

/** Messages on the CommandBus: a domain command and the context it runs in. */
export class ScheduleMeetupMessage {
  constructor(
    readonly command: ScheduleMeetup,
    readonly context: CommandContext,
  ) {}
}

export class PublishMeetupMessage {
  constructor(
    readonly command: PublishMeetup,
    readonly context: CommandContext,
  ) {}
}

export class RescheduleMeetupMessage {
  constructor(
    readonly command: RescheduleMeetup,
    readonly context: CommandContext,
  ) {}
}

export class CancelMeetupMessage {
  constructor(
    readonly command: CancelMeetup,
    readonly context: CommandContext,
  ) {}
}
