import { randomUUID } from 'node:crypto';
import { CommandContext } from '../eventsourcing/deciders/command-context';
import { Actor } from '../identity/domain/role';
import { CommandInput } from './command-input';

/** What a resolver knows of the HTTP request behind it. */
export interface GraphQLRequestContext {
  correlationId: string;
  /** The `Authorization` header as sent. */
  authorization?: string;
  /** Who the session token names, once the auth guard has checked it. */
  actor?: Actor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The correlation id comes from an `x-correlation-id` header when it is a UUID. */
export function requestContext(
  headers: Record<string, string | string[] | undefined>,
): GraphQLRequestContext {
  const header = headers['x-correlation-id'];
  const correlationId = typeof header === 'string' && UUID.test(header) ? header.toLowerCase() : randomUUID();
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
