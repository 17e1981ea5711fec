import { DeciderCommandHandler } from '../../eventsourcing/deciders/decider-command-handler';
import { userDecider } from '../domain/user.decider';
import { userStreamId } from '../domain/user.streams';
import { UserCommandMessage } from './identity.messages';

export class UserCommandHandler extends DeciderCommandHandler(UserCommandMessage, userDecider, (command) =>
  userStreamId(command.userId),
) {}
