import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { CommandResult } from '../eventsourcing/deciders/command-context';

@ObjectType({ description: "Where a command's events landed." })
export class CommandResultType {
  @Field(() => ID, { description: 'The aggregate the command acted on.' })
  id!: string;

  @Field(() => Int, {
    description: "The aggregate's revision after the command: pass it as `expectedRevision` to act on it.",
  })
  revision!: number;

  @Field({
    description:
      'The `$all` commit position of the last event: pass it as `consistentWith` to read your own write.',
  })
  position!: string;

  static from(id: string, result: CommandResult): CommandResultType {
    return Object.assign(new CommandResultType(), {
      id,
      revision: Number(result.revision),
      position: String(result.position),
    });
  }
}
