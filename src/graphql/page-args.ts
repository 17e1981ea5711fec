import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** The arguments of every connection: a page of `first` items after a cursor. */
@ArgsType()
export abstract class PageArgs {
  @Field(() => Int, { defaultValue: 20, nullable: true })
  @IsInt()
  @Min(1)
  @Max(100)
  first!: number;

  @Field({ nullable: true, description: 'The `endCursor` of the page before.' })
  @IsOptional()
  @IsString()
  after?: string;
}
