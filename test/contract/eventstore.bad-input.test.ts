import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { jsonEvent, START, StreamNotFoundError } from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf, waitFor } from '../support/read';
import { addressOf, grpcFrame } from './eventstore.raw-grpc';

describe('EventStoreDB contract: bad input', () => {
  let es: EventStoreFixture;
  let raw: StreamsClient;
  beforeAll(async () => {
    es = await openEventStore();
    raw = new StreamsClient(addressOf(es.url), credentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await es.close();
  });

  const identifier = (stream: string) => new StreamIdentifier().setStreamName(Buffer.from(stream));

  function rawAppend(requests: AppendReq[]): Promise<AppendResp> {
    return new Promise((resolve, reject) => {
      const call = raw.append(new Metadata(), (error: ServiceError | null, response?: AppendResp) =>
        error ? reject(error) : resolve(response!),
      );
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  function rawRead(request: ReadReq): Promise<ReadResp[]> {
    return new Promise((resolve, reject) => {
      const responses: ReadResp[] = [];
      raw
        .read(request)
        .on('data', (r: ReadResp) => responses.push(r))
        .on('error', reject)
        .on('end', () => resolve(responses));
    });
  }

  const appendOptions = (stream: string) =>
    new AppendReq().setOptions(
      new AppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new Empty()),
    );
  const proposed = (id: string, type = 'Thing') => {
    const message = new AppendReq.ProposedMessage()
      .setId(new UUID().setString(id))
      .setData(Buffer.from('{}'));
    message.getMetadataMap().set('type', type);
    message.getMetadataMap().set('content-type', 'application/json');
    return new AppendReq().setProposedMessage(message);
  };

  it('answers INVALID_ARGUMENT to an append without options and writes nothing', async () => {
    await expect(rawAppend([proposed(randomUUID())])).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('answers INVALID_ARGUMENT to an event with an invalid id or no type, and writes none of the batch', async () => {
    const stream = uniqueStream();
    const badId = rawAppend([appendOptions(stream), proposed(randomUUID()), proposed('not-a-uuid')]);
    await expect(badId).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const noType = rawAppend([appendOptions(stream), proposed(randomUUID(), '')]);
    await expect(noType).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('answers INVALID_ARGUMENT to a read without options or with an invalid filter regex', async () => {
    await expect(rawRead(new ReadReq())).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const filter = new ReadReq.Options.FilterOptions()
      .setEventType(new ReadReq.Options.FilterOptions.Expression().setRegex('(unclosed'))
      .setCount(new Empty())
      .setCheckpointintervalmultiplier(1);
    const options = new ReadReq.Options()
      .setAll(new ReadReq.Options.AllOptions().setStart(new Empty()))
      .setSubscription(new ReadReq.Options.SubscriptionOptions())
      .setFilter(filter)
      .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()));
    await expect(rawRead(new ReadReq().setOptions(options))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('survives undecodable bytes and keeps serving', async () => {
    const client = new Client(addressOf(es.url), credentials.createInsecure());
    const garbage = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/event_store.client.streams.Streams/Delete',
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        (error) => resolve(error),
      ),
    );
    client.close();
    expect(garbage?.code).toBeDefined();
    expect(garbage?.code).not.toBe(status.OK);
    const stream = uniqueStream();
    await es.client.appendToStream(stream, jsonEvent({ type: 'StillWorks', data: {} }));
    expect(await readAllOf(es.client, stream)).toHaveLength(1);
  });

  it('writes nothing when the connection drops in the middle of an append', async () => {
    const stream = uniqueStream();
    const [host, port] = addressOf(es.url).split(':');
    const socket = net.connect(Number(port), host);
    const session = http2
      .connect(`http://${addressOf(es.url)}`, { createConnection: () => socket })
      .on('error', () => undefined);
    const request = session.request({
      ':method': 'POST',
      ':path': '/event_store.client.streams.Streams/Append',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    request.on('error', () => undefined);
    for (const message of [appendOptions(stream), proposed(randomUUID())]) request.write(grpcFrame(message));
    // Frames are handled in order: once a later call on the same connection is answered, the
    // server has received the events of the unfinished append.
    const probe = session.request({
      ':method': 'POST',
      ':path': '/event_store.client.server_features.ServerFeatures/GetSupportedMethods',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    probe.end(grpcFrame(new Empty()));
    probe.resume();
    await once(probe, 'end');
    // A crashed client: the connection is reset, with no end of stream and no GOAWAY.
    socket.resetAndDestroy();
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
    const after = await es.client.appendToStream(stream, jsonEvent({ type: 'Later', data: {} }));
    expect(after.nextExpectedRevision).toBe(0n);
  });

  (process.env.EVENTSTORE_URL ? it.skip : it)(
    'frees the resources of subscriptions the client drops',
    async () => {
      const before = es.embedded!.activeSubscriptions();
      const subscriptions = Array.from({ length: 30 }, () =>
        es.client.subscribeToAll({ fromPosition: START }),
      );
      await Promise.all(subscriptions.map((s) => new Promise((resolve) => s.once('confirmation', resolve))));
      expect(es.embedded!.activeSubscriptions()).toBe(before + 30);
      await Promise.all(subscriptions.map((s) => s.unsubscribe()));
      await waitFor(() => es.embedded!.activeSubscriptions() === before);
    },
  );
});
