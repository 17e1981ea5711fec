import { ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { tooManyAttempts } from './auth.errors';

/** Throttler names: attempts per address and per client. */
export const LOGIN_PER_ADDRESS = 'login-address';
export const LOGIN_PER_CLIENT = 'login-client';

/** @nestjs/throttler's guard, reading the request and the arguments of a GraphQL operation. */
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

/** The log-in arguments' address, as the per-address throttler keys it. */
export const loginAddressOf = (context: ExecutionContext): unknown =>
  GqlExecutionContext.create(context).getArgs<{ input?: { email?: unknown } }>().input?.email;
