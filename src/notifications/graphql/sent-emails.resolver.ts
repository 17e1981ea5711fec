import { Args, ArgsType, Field, Query, Resolver } from '@nestjs/graphql';
import { IsOptional, IsString, Length } from 'class-validator';
import { PageArgs } from '../../graphql/page-args';
import { AdminOnly } from '../../identity/auth/auth.decorators';
import { SentEmailsReader } from './sent-emails.reader';
import { SentEmailConnection, SentEmailType } from './sent-email.type';

@ArgsType()
class SentEmailsArgs extends PageArgs {
  @Field({
    nullable: true,
    description: 'Only e-mails to this address, compared trimmed, NFKC-normalised and in lower case.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  to?: string;
}

@Resolver(() => SentEmailType)
export class SentEmailsResolver {
  constructor(private readonly reader: SentEmailsReader) {}

  @AdminOnly()
  @Query(() => SentEmailConnection, {
    description:
      'E-mails sent (or, without a mail server, only recorded), newest first. Those of a forgotten person are gone.',
  })
  sentEmails(@Args() { to, first, after }: SentEmailsArgs): Promise<SentEmailConnection> {
    return this.reader.list(to, first, after);
  }
}
