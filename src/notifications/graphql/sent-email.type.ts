import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../graphql/page-info.type';

export enum MailTransportEnum {
  SMTP = 'smtp',
  OUTBOX = 'outbox',
}
registerEnumType(MailTransportEnum, {
  name: 'MailTransport',
  description: 'SMTP: handed to the mail server. OUTBOX: only recorded here (no mail server configured).',
});

@ObjectType('SentEmail')
export class SentEmailType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The address, trimmed, NFKC-normalised and in lower case.' })
  to!: string;

  @Field()
  subject!: string;

  @Field()
  text!: string;

  @Field(() => GraphQLISODateTime)
  sentAt!: Date;

  @Field(() => MailTransportEnum)
  transport!: MailTransportEnum;
}

@ObjectType('SentEmailEdge')
export class SentEmailEdge {
  @Field()
  cursor!: string;

  @Field(() => SentEmailType)
  node!: SentEmailType;
}

@ObjectType('SentEmailConnection')
export class SentEmailConnection {
  @Field(() => [SentEmailEdge])
  edges!: SentEmailEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
