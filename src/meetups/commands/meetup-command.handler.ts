import { CommandMessage } from '../../eventsourcing/deciders/command-message';
import { DeciderCommandHandler } from '../../eventsourcing/deciders/decider-command-handler';
import { MeetupCommand } from '../domain/meetup.commands';
import { meetupDecider } from '../domain/meetup.decider';
import { toStreamId } from '../domain/meetup.stream';

/** Any meetup command on the CommandBus. */
export class MeetupCommandMessage extends CommandMessage<MeetupCommand> {}

export class MeetupCommandHandler extends DeciderCommandHandler(
  MeetupCommandMessage,
  meetupDecider,
  (command) => toStreamId(command.meetupId),
) {}
