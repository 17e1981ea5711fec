import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import { eventStoreClient, openStores, TestStores } from '../support/app';
import { AppProcess, startAppProcess } from '../support/app-process';
import { readAllOf, waitFor } from '../support/read';
import { register, signUp } from '../support/identity';
import { startWorkerProcess } from '../support/worker-process';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;

/** An OTLP/HTTP collector of JSON trace exports. */
async function startCollector(): Promise<{ url: string; requests: OtlpRequest[]; server: Server }> {
  const requests: OtlpRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces')
        requests.push(JSON.parse(Buffer.concat(chunks).toString()) as OtlpRequest);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const spansOf = (requests: OtlpRequest[]): OtlpSpan[] =>
  requests.flatMap((request) =>
    request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
  );

/** Whether the event store holds an event of this type caused within this correlation. */
async function hasEvent(client: EventStoreDBClient, type: string, correlationId: string): Promise<boolean> {
  let found = false;
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 200 })) {
    const metadata = resolved.event?.metadata as { correlationId?: string } | undefined;
    if (resolved.event?.type === type && metadata?.correlationId === correlationId) found = true;
  }
  return found;
}

describe('traces', () => {
  let stores: TestStores;
  let client: EventStoreDBClient;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    stores = await openStores();
    client = eventStoreClient(stores);
  });
  afterAll(async () => {
    await app?.stop();
    await client?.dispose();
    await stores?.close();
  });

  it('follows a request through its command and append to the reactor it sets off, over OTLP', async () => {
    const collector = await startCollector();
    // Spans are batched for a minute: only the flush at shutdown sends them.
    app = await startAppProcess(stores, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'meetups-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const correlationId = randomUUID();
    const userId = await register(app, correlationId);
    await waitFor(() => hasEvent(client, 'EmailSent', correlationId), 10_000);
    expect(collector.requests).toEqual([]);
    // A rebuild goes over the same events again, and adds nothing to their traces.
    await rebuild(stores, 'users');
    await app.stop();
    const output = app.output();
    app = undefined;
    collector.server.close();

    const spans = spansOf(collector.requests);
    expect(spans.filter((span) => span.name.includes(':rebuild'))).toEqual([]);
    const request = spans.find((span) => span.name === 'mutation SignUp')!;
    expect(request).toMatchObject({ kind: SPAN_KIND_SERVER });
    const trace = spans.filter((span) => span.traceId === request.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const command = trace.find(
      (span) => span.name.startsWith('command ') && span.parentSpanId === request.spanId,
    );
    expect(command).toBeDefined();
    const reactor = trace.find((span) => span.name === 'reactor:notifications UserRegistered');
    expect(reactor).toBeDefined();
    // The reactor's span is a child of the append that wrote the event, within the request's command.
    const append = byId.get(reactor!.parentSpanId!)!;
    expect(append.name).toBe('eventstore append');
    expect(byId.get(append.parentSpanId!)!.name).toMatch(/^command /);
    // The e-mail's record is a command of the reactor's.
    expect(trace).toContainEqual(
      expect.objectContaining({ name: expect.stringMatching(/^command /), parentSpanId: reactor!.spanId }),
    );
    expect(collector.requests[0].resourceSpans[0].resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'meetups-under-test' },
    });

    const [event] = await readAllOf(client, `user-${userId}`);
    expect((event.metadata as { traceparent?: string }).traceparent).toBe(
      `00-${request.traceId}-${append.spanId}-01`,
    );
    // The request's log line names its trace and span.
    const logged = output
      .split('\n')
      .filter((line) => line.includes('request completed'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ correlationId, traceId: request.traceId, spanId: request.spanId }),
    );
  }, 60_000);

  it("carries the trace to a worker process: its reactor's span is in the request's trace", async () => {
    const collector = await startCollector();
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    app = await startAppProcess(stores, { ...tracing, ROLE: 'api' });
    const worker = await startWorkerProcess(stores, { ...tracing, PORT: '0' });
    try {
      const correlationId = randomUUID();
      await register(app, correlationId);
      const spanOf = (name: string) => spansOf(collector.requests).find((span) => span.name === name);
      await waitFor(() => spanOf('mutation SignUp') !== undefined, 10_000);
      const request = spanOf('mutation SignUp')!;
      await waitFor(
        () =>
          spansOf(collector.requests).some(
            (span) =>
              span.name === 'reactor:notifications UserRegistered' && span.traceId === request.traceId,
          ),
        10_000,
      );
    } finally {
      await worker.stop();
      await app.stop();
      app = undefined;
      collector.server.close();
    }
  }, 60_000);

  it("continues a caller's trace, names who acted, and marks a refused command with its code", async () => {
    const collector = await startCollector();
    app = await startAppProcess(stores, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const organiser = await signUp(app, 'ORGANIZER');
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const refused = await app.gql(
      `mutation Publish($input: PublishMeetupInput!) { publishMeetup(input: $input) { id } }`,
      { input: { meetupId: randomUUID() } },
      { ...organiser.headers, traceparent: `00-${callerTrace}-${callerSpan}-01` },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('MEETUP_NOT_FOUND');
    await app.stop();
    app = undefined;
    collector.server.close();

    const spans = spansOf(collector.requests).filter((span) => span.traceId === callerTrace);
    const attribute = (span: OtlpSpan | undefined, key: string) =>
      span?.attributes.find((a) => a.key === key)?.value.stringValue;
    const request = spans.find((span) => span.name === 'mutation Publish');
    expect(request?.parentSpanId).toBe(callerSpan);
    expect(attribute(request, 'enduser.id')).toBe(organiser.userId);
    const command = spans.find((span) => span.name === 'command PublishMeetup');
    expect(attribute(command, 'meetups.command.refused')).toBe('MEETUP_NOT_FOUND');
  }, 60_000);

  it('puts no traceparent in events while tracing is off', async () => {
    app = await startAppProcess(stores, {});
    const userId = await register(app);
    const [event] = await readAllOf(client, `user-${userId}`);
    expect(event.metadata).toHaveProperty('correlationId');
    expect(event.metadata).not.toHaveProperty('traceparent');
  }, 60_000);
});

/** Rebuilds a projection through the command line, waiting until it is swapped in. */
function rebuild(stores: TestStores, projection: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, '../../dist/src/cli/projections.js'), 'rebuild', projection, '--json'],
      {
        env: {
          ...process.env,
          EVENTSTORE_URL: stores.eventStoreUrl,
          MONGODB_URL: stores.mongoUrl,
          MONGODB_DATABASE: stores.mongoDatabase,
        },
      },
      (error, _stdout, stderr) => (error ? reject(new Error(stderr)) : resolve()),
    );
  });
}
