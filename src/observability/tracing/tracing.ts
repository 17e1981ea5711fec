import { context, propagation, trace, Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingSettings {
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); unset: no tracing at all. */
  otlpEndpoint?: string;
  serviceName: string;
}

export interface Tracing {
  /** Sends the spans still queued, then unregisters the provider. */
  shutdown(): Promise<void>;
}

const TRACER = 'meetups-backend';

/** The tracer spans are made with: the API's no-op one while no provider is registered. */
export const tracer = (): Tracer => trace.getTracer(TRACER);

/**
 * Registers a tracer provider that batches spans to the OTLP/HTTP endpoint (JSON), when one is
 * configured. Without one nothing is registered: every span is the API's no-op span.
 */
export function startTracing(settings: TracingSettings): Tracing {
  if (!settings.otlpEndpoint) return { shutdown: () => Promise.resolve() };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${settings.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }),
      ),
    ],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
