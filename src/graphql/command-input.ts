import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';

/** Every mutation input may name its command, making a retried request harmless. */
@InputType({ isAbstract: true })
export abstract class CommandInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'A UUID naming this command. Repeating a command id appends nothing and returns the first result.',
  })
  @IsOptional()
  @IsUUID()
  commandId?: string;
}
