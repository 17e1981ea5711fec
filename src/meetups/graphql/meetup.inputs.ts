import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CommandInput } from '../../graphql/command-input';
import { IsMultiLineText, IsSingleLineText } from '../../graphql/text';
import { IsNormalisedUuid } from '../../graphql/uuid';
import { MeetupStatusEnum } from './meetup.type';

/** The fields of every command on an existing meetup. */
@InputType({ isAbstract: true })
export abstract class MeetupCommandInput extends CommandInput {
  @Field(() => ID)
  @IsNormalisedUuid()
  meetupId!: string;
}

@InputType()
export class ScheduleMeetupInput extends CommandInput {
  @Field()
  @IsString()
  @Length(3, 120)
  @IsSingleLineText()
  title!: string;

  @Field({ defaultValue: '' })
  @IsString()
  @Length(0, 5000)
  @IsMultiLineText()
  description!: string;

  @Field()
  @IsString()
  @Length(1, 100)
  @IsSingleLineText()
  city!: string;

  @Field(() => GraphQLISODateTime)
  @Type(() => Date)
  @IsDate()
  startsAt!: Date;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(100_000)
  capacity!: number;

  @Field(() => Int, {
    defaultValue: 0,
    description: 'The price of one ticket, in cents: 0 for a free meetup.',
  })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  ticketPriceCents!: number;
}

@InputType()
export class PublishMeetupInput extends MeetupCommandInput {}

@InputType()
export class RescheduleMeetupInput extends MeetupCommandInput {
  @Field(() => GraphQLISODateTime)
  @Type(() => Date)
  @IsDate()
  startsAt!: Date;
}

@InputType()
export class CancelMeetupInput extends MeetupCommandInput {
  @Field()
  @IsString()
  @Length(1, 500)
  @IsMultiLineText()
  reason!: string;
}

@InputType()
export class MeetupsFilter {
  @Field(() => MeetupStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(MeetupStatusEnum))
  status?: MeetupStatusEnum;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  city?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  startsAfter?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  startsBefore?: Date;
}
