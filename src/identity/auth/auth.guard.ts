import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLResolveInfo } from 'graphql';
import { GraphQLRequestContext } from '../../graphql/request-context';
import { identifyRequestUser } from '../../observability/logging/request-logging';
import { isAdmin } from '../domain/role';
import { Access, ACCESS } from './auth.decorators';
import { forbiddenOperation, unauthenticated } from './auth.errors';
import { SessionTokens } from './session-tokens';

/**
 * Every GraphQL operation passes here. A token, when sent, must be valid (even for public
 * operations); mutations need one unless marked `@Public()`, and `@AdminOnly()` needs an admin's.
 * Which aggregate an actor may change is for the deciders to say.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const request = gql.getContext<{ request: GraphQLRequestContext }>().request;
    const isMutation = gql.getInfo<GraphQLResolveInfo>().parentType.name === 'Mutation';
    const access =
      this.reflector.getAllAndOverride<Access>(ACCESS, [context.getHandler(), context.getClass()]) ??
      (isMutation ? 'authenticated' : 'public');
    if (request.authorization !== undefined && !request.actor) {
      request.actor = await this.sessions.verify(request.authorization);
      identifyRequestUser(request.actor.userId);
    }
    if (access === 'public') return true;
    if (!request.actor) throw unauthenticated('This operation needs a session token.');
    if (access === 'admin' && !isAdmin(request.actor)) throw forbiddenOperation();
    return true;
  }
}
