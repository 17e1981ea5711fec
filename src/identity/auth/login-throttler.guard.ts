import { ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { GraphQLRequestContext } from '../../graphql/request-context';
import { normaliseEmail } from '../email-address';
import { tooManyAttempts } from './auth.errors';

/** Throttler names: attempts per address and per client. */
export const LOGIN_PER_ADDRESS = 'login-address';
export const LOGIN_PER_CLIENT = 'login-client';

/**
 * @nestjs/throttler's guard on log-in, sign-up and password changes, reading the request and
 * the arguments of a GraphQL operation.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override getRequestResponse(context: ExecutionContext) {
    const { reply } = GqlExecutionContext.create(context).getContext<{
      reply: { request: Record<string, unknown> };
    }>();
    return { req: reply.request, res: reply };
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw tooManyAttempts(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}

/**
 * Whose account an attempt is on, as the per-address throttler keys it: the address given
 * (log-in, sign-up), else the user the session names (password change).
 */
export function attemptSubjectOf(context: ExecutionContext): string {
  const gql = GqlExecutionContext.create(context);
  const email = gql.getArgs<{ input?: { email?: unknown } }>().input?.email;
  if (typeof email === 'string') return `address:${normaliseEmail(email)}`;
  const actor = gql.getContext<{ request: GraphQLRequestContext }>().request.actor;
  return actor ? `user:${actor.userId}` : '';
}
