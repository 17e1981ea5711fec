import { IncomingHttpHeaders } from 'node:http';
import { Context, context, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import { DocumentNode, Kind, OperationDefinitionNode } from 'graphql';
import { tracer } from './tracing';

export interface RequestSpan {
  span: Span;
  /** The context with the span active, for everything the request does. */
  context: Context;
}

/**
 * The server span of an HTTP request, in the trace of the caller's `traceparent` when it sent one;
 * named after its route, never its path (which the client chooses).
 */
export function startRequestSpan(
  method: string,
  route: string | undefined,
  headers: IncomingHttpHeaders,
): RequestSpan {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}) },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function endRequestSpan({ span }: RequestSpan, statusCode: number): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Names a request's span after the GraphQL operation it runs: `mutation RegisterUser`. */
export function nameAfterOperation(
  { span }: RequestSpan,
  document: DocumentNode,
  operationName?: string | null,
): void {
  if (!span.isRecording()) return;
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations[0];
  if (!operation) return;
  const name = operation.name?.value;
  span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
  span.setAttribute('graphql.operation.type', operation.operation);
  if (name) span.setAttribute('graphql.operation.name', name);
}
