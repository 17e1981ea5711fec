import { Context, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

interface Carrier {
  traceparent?: string;
}
const carrierSetter = {
  set: (carrier: Carrier, key: string, value: string) => ((carrier as Record<string, string>)[key] = value),
};
const carrierGetter = {
  get: (carrier: Carrier, key: string) => (key === 'traceparent' ? carrier.traceparent : undefined),
  keys: () => ['traceparent'],
};

/** The active span's ids, for log lines: none when no span records (tracing off). */
export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** The W3C `traceparent` of the active recording span, to carry in event metadata; none otherwise. */
export function activeTraceparent(): string | undefined {
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  const carrier: Carrier = {};
  propagator.inject(context.active(), carrier, carrierSetter);
  return carrier.traceparent;
}

/** The remote context a `traceparent` names, for a span that carries its trace on. */
export function contextOfTraceparent(traceparent: string | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagator.extract(ROOT_CONTEXT, { traceparent }, carrierGetter);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}
