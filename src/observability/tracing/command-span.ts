import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { CodedError } from '../../eventsourcing/deciders/coded-error';
import { CommandContext } from '../../eventsourcing/deciders/command-context';
import { withLogFields } from '../logging/log-context';
import { eventSpanContext } from './event-spans';
import { activeTraceparent } from './trace-context';
import { tracer } from './tracing';

/**
 * Runs a command in its own span (a child of the request's, or of the span handling the event
 * that caused it) with its ids on every log line it writes.
 */
export function traceCommand<T>(
  type: string,
  streamId: string,
  command: CommandContext,
  run: () => Promise<T>,
): Promise<T> {
  const causingEvent = eventSpanContext(command.causationId);
  const fields = {
    correlationId: command.correlationId,
    causationId: command.causationId,
    commandId: command.commandId,
    ...(causingEvent ? { eventId: command.causationId } : {}),
    ...(command.userId ? { userId: command.userId } : {}),
  };
  return withLogFields(fields, () =>
    tracer().startActiveSpan(
      `command ${type}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'meetups.command.type': type,
          'meetups.command.id': command.commandId,
          'meetups.correlation_id': command.correlationId,
          'meetups.stream': streamId,
        },
      },
      causingEvent ?? context.active(),
      async (span) => {
        try {
          return await run();
        } catch (error) {
          if (error instanceof CodedError) {
            span.setAttribute('meetups.command.refused', error.code);
          } else {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          throw error;
        } finally {
          span.end();
        }
      },
    ),
  );
}

/** Runs an append to the event store in a span of its own; its events carry that span's `traceparent`. */
export function traceAppend<T>(streamId: string, events: number, append: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(
    'eventstore append',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'eventstoredb', 'meetups.stream': streamId, 'meetups.events': events },
    },
    async (span) => {
      try {
        return await append();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** The `traceparent` an event appended now carries: none while no span records. */
export const traceparentField = (): { traceparent?: string } => {
  const traceparent = activeTraceparent();
  return traceparent ? { traceparent } : {};
};
