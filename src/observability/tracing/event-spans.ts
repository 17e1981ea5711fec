import { AsyncLocalStorage } from 'node:async_hooks';
import { Context, context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RecordedDomainEvent } from '../../eventsourcing/event-store/event-metadata';
import { contextOfTraceparent } from './trace-context';
import { tracer } from './tracing';

/** The span of each event of the batch in hand, by event id: a command an event causes is its child. */
const batchSpans = new AsyncLocalStorage<ReadonlyMap<string, Context>>();

/** The context of the span handling the event with this id, within its batch. */
export function eventSpanContext(eventId: string): Context | undefined {
  return batchSpans.getStore()?.get(eventId);
}

/**
 * Runs a consumer's handling of a batch with a span for each of its events that carries a trace
 * (a child of the span that appended it), active while the batch is handled when it is alone.
 */
export async function traceEventHandling<T>(
  consumer: string,
  events: readonly RecordedDomainEvent[],
  handle: () => Promise<T>,
): Promise<T> {
  const spans: Span[] = [];
  const contexts = new Map<string, Context>();
  for (const event of events) {
    const parent = contextOfTraceparent(event.metadata.traceparent);
    if (!parent) continue;
    const span = tracer().startSpan(
      `${consumer} ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'eventstoredb',
          'messaging.operation.type': 'process',
          'messaging.consumer.group.name': consumer,
          'messaging.message.id': event.eventId,
          'messaging.destination.name': event.streamId,
          'meetups.event.type': event.type,
          'meetups.event.position': event.position.toString(),
          'meetups.correlation_id': event.metadata.correlationId,
        },
      },
      parent,
    );
    spans.push(span);
    contexts.set(event.eventId, trace.setSpan(parent, span));
  }
  if (spans.length === 0) return handle();
  const only = events.length === 1 ? contexts.get(events[0].eventId) : undefined;
  try {
    return await batchSpans.run(contexts, () => (only ? context.with(only, handle) : handle()));
  } catch (error) {
    for (const span of spans) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
