import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { SentEmailsResolver } from './graphql/sent-emails.resolver';
import { ACCESS } from '../identity/auth/auth.decorators';

it('prints', async () => {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  await app.init();
  const schema = await app.get(GraphQLSchemaFactory).create([SentEmailsResolver]);
  console.log(printSchema(schema));
  console.log(Reflect.getMetadata(ACCESS, SentEmailsResolver.prototype.sentEmails));
});
