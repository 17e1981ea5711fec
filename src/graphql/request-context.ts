import { randomUUID } from 'node:crypto';
import { CommandContext } from '../eventsourcing/deciders/command-context';
import { Actor } from '../identity/domain/role';
import { unauthenticated } from '../identity/auth/auth.errors';
import { CommandInput } from './command-input';
import { isLowerCaseUuid } from './uuid';

/** What a resolver knows of the HTTP request behind it. */
export interface GraphQLRequestContext {
  correlationId: string;
  /** The `Authorization` header as sent. */
  authorization?: string;
  /** Who the session token names, once the auth guard has checked it. */
  actor?: Actor;
}

type Headers = Record<string, string | string[] | undefined>;

/** The correlation id comes from an `x-correlation-id` header when it is a UUID. */
export function correlationIdOf(headers: Headers): string {
  const header = headers['x-correlation-id'];
  return typeof header === 'string' && isLowerCaseUuid(header.toLowerCase())
    ? header.toLowerCase()
    : randomUUID();
}

/** The request's context; its correlation id as the request's log lines already carry it, if so. */
export function requestContext(
  headers: Headers,
  correlationId = correlationIdOf(headers),
): GraphQLRequestContext {
  const authorization = headers.authorization;
  return { correlationId, ...(typeof authorization === 'string' ? { authorization } : {}) };
}

/** The command context of one mutation: its id is also its causation id. */
export function commandContext(request: GraphQLRequestContext, input: CommandInput): CommandContext {
  const commandId = input.commandId ?? randomUUID();
  return {
    commandId,
    correlationId: request.correlationId,
    causationId: commandId,
    ...(request.actor ? { userId: request.actor.userId } : {}),
    ...(input.expectedRevision == null ? {} : { expectedRevision: BigInt(input.expectedRevision) }),
  };
}

/** Who asks, on an operation the auth guard let through only with a valid session. */
export function actorOf(request: GraphQLRequestContext): Actor {
  if (!request.actor) throw unauthenticated('This operation needs a session.');
  return request.actor;
}
