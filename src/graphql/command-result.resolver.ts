import { Context, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandResultType } from './command-result.type';
import { GraphQLRequestContext } from './request-context';

/** What a command result says of the request behind it. */
@Resolver(() => CommandResultType)
export class CommandResultResolver {
  @ResolveField(() => String, {
    description:
      "This request's correlation id (its `x-correlation-id`, or one the server picked), which the " +
      "command's events and what they cause carry: follow them with `correlationTrail`.",
  })
  correlationId(@Context('request') request: GraphQLRequestContext): string {
    return request.correlationId;
  }
}
