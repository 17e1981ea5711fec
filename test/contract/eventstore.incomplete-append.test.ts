import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { status } from '@grpc/grpc-js';
import { jsonEvent, NO_STREAM, StreamNotFoundError } from '@eventstore/db-client';
import { Empty, UUID } from '@eventstore/db-client/generated/shared_pb';
import {
  AppendReq,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
} from '@eventstore/db-client/generated/streams_pb';
import { Empty as ProtoEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { EventStoreFixture, openEventStore, uniqueStream } from '../support/eventstore';
import { readAllOf } from '../support/read';
import { connectRaw, grpcFrame, RawConnection, settle, truncatedFrame } from './eventstore.raw-grpc';

const APPEND = '/event_store.client.streams.Streams/Append';
const BATCH_APPEND = '/event_store.client.streams.Streams/BatchAppend';

const identifier = (stream: string) => new StreamIdentifier().setStreamName(Buffer.from(stream));

const appendOptions = (stream: string) =>
  new AppendReq().setOptions(
    new AppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new Empty()),
  );

function proposed(): AppendReq {
  const message = new AppendReq.ProposedMessage()
    .setId(new UUID().setString(randomUUID()))
    .setData(Buffer.from('{"n":1}'));
  message.getMetadataMap().set('type', 'Incomplete');
  message.getMetadataMap().set('content-type', 'application/json');
  return new AppendReq().setProposedMessage(message);
}

function batch(stream: string, correlationId: string, isFinal: boolean, events = 2): BatchAppendReq {
  const request = new BatchAppendReq()
    .setCorrelationId(new UUID().setString(correlationId))
    .setOptions(new BatchAppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new ProtoEmpty()))
    .setIsFinal(isFinal);
  for (let i = 0; i < events; i++) {
    const message = new BatchAppendReq.ProposedMessage()
      .setId(new UUID().setString(randomUUID()))
      .setData(Buffer.from('{"n":1}'));
    message.getMetadataMap().set('type', 'Incomplete');
    message.getMetadataMap().set('content-type', 'application/json');
    request.addProposedMessages(message);
  }
  return request;
}

/** Ways a client can go away in the middle of a call, without half-closing it. */
const disruptions: [string, (connection: RawConnection, call: http2.ClientHttp2Stream) => void][] = [
  ['cancels the call (RST_STREAM CANCEL)', (_c, call) => call.close(http2.constants.NGHTTP2_CANCEL)],
  ['resets the call with NO_ERROR (RST_STREAM NO_ERROR)', (_c, call) => call.close()],
  ['resets the call with INTERNAL_ERROR', (_c, call) => call.close(http2.constants.NGHTTP2_INTERNAL_ERROR)],
  ['destroys its HTTP/2 session', (c) => c.session.destroy()],
  ['sends GOAWAY and ends its socket', (c) => (c.session.goaway(), c.socket.end())],
  ['half-closes its TCP socket', (c) => c.socket.end()],
  ['closes its TCP socket', (c) => c.socket.destroy()],
  ['resets its TCP connection', (c) => c.socket.resetAndDestroy()],
];

// Raw sockets speaking hand-made gRPC: aimed at the embedded server.
const describeEmbedded = process.env.EVENTSTORE_URL ? describe.skip : describe;

describeEmbedded('EventStoreDB contract: only complete appends are written', () => {
  let es: EventStoreFixture;
  const connections: RawConnection[] = [];
  beforeAll(async () => (es = await openEventStore()));
  afterEach(() => connections.splice(0).forEach((c) => c.close()));
  afterAll(() => es.close());

  const connect = async () => {
    const connection = await connectRaw(es.url);
    connections.push(connection);
    return connection;
  };

  /** Nothing was written to the stream, and it is still free for a normal append. */
  async function expectNothingWritten(stream: string): Promise<void> {
    await settle(es.url);
    await expect(readAllOf(es.client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
    const fresh = await es.client.appendToStream(stream, jsonEvent({ type: 'Fresh', data: {} }), {
      expectedRevision: NO_STREAM,
    });
    expect(fresh.nextExpectedRevision).toBe(0n);
    await settle(es.url);
    expect((await readAllOf(es.client, stream)).map((e) => e.type)).toEqual(['Fresh']);
  }

  describe.each(disruptions)('Append: a client that sends options and events, then %s', (_name, disrupt) => {
    it('writes nothing', async () => {
      const stream = uniqueStream();
      const connection = await connect();
      const { stream: call, outcome } = connection.call(APPEND);
      for (const message of [appendOptions(stream), proposed(), proposed()]) call.write(grpcFrame(message));
      await connection.roundTrip();
      disrupt(connection, call);
      const { status: code } = await outcome;
      expect(code).not.toBe(status.OK);
      await expectNothingWritten(stream);
    });
  });

  describe.each(disruptions)(
    'BatchAppend: a client that sends a batch without is_final, then %s',
    (_name, disrupt) => {
      it('writes nothing', async () => {
        const stream = uniqueStream();
        const connection = await connect();
        const { stream: call } = connection.call(BATCH_APPEND);
        call.write(grpcFrame(batch(stream, randomUUID(), false)));
        await connection.roundTrip();
        disrupt(connection, call);
        await expectNothingWritten(stream);
      });
    },
  );

  it('Append: fails with INTERNAL and writes nothing when the last frame is shorter than its length prefix', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(APPEND);
    call.write(grpcFrame(appendOptions(stream)));
    call.write(grpcFrame(proposed()));
    call.end(truncatedFrame(proposed(), 3));
    expect(await outcome).toMatchObject({ status: status.INTERNAL, messages: [] });
    await expectNothingWritten(stream);
  });

  it('Append: fails with INTERNAL and writes nothing when the stream ends inside a length prefix', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(APPEND);
    call.write(grpcFrame(appendOptions(stream)));
    call.write(grpcFrame(proposed()));
    call.end(Buffer.from([0, 0, 0]));
    expect(await outcome).toMatchObject({ status: status.INTERNAL, messages: [] });
    await expectNothingWritten(stream);
  });

  it('Append: fails and writes nothing when a message cannot be decoded', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(APPEND);
    call.write(grpcFrame(appendOptions(stream)));
    call.write(grpcFrame(proposed()));
    call.end(grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])));
    const { status: code, messages } = await outcome;
    expect(code).toBeDefined();
    expect(code).not.toBe(status.OK);
    expect(messages).toEqual([]);
    await expectNothingWritten(stream);
  });

  it('Append: a truncated frame followed by a reset writes nothing', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call } = connection.call(APPEND);
    call.write(grpcFrame(appendOptions(stream)));
    call.write(truncatedFrame(proposed(), 10));
    await connection.roundTrip();
    call.close();
    await expectNothingWritten(stream);
  });

  it('BatchAppend: a final batch whose frame is truncated is not written, and the call fails with INTERNAL', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(BATCH_APPEND);
    const correlationId = randomUUID();
    call.write(grpcFrame(batch(stream, correlationId, false)));
    call.end(truncatedFrame(batch(stream, correlationId, true), 4));
    const result = await outcome;
    expect(result).toMatchObject({ status: status.INTERNAL, messages: [] });
    await expectNothingWritten(stream);
  });

  it('BatchAppend: a batch is written once its is_final message is complete, as on EventStoreDB', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(BATCH_APPEND);
    const correlationId = randomUUID();
    call.write(grpcFrame(batch(stream, correlationId, false)));
    call.write(grpcFrame(batch(stream, correlationId, true)));
    const reply = await new Promise<BatchAppendResp>((resolve) => {
      let pending = Buffer.alloc(0);
      call.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        if (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1))
          resolve(BatchAppendResp.deserializeBinary(pending.subarray(5, 5 + pending.readUInt32BE(1))));
      });
    });
    expect(reply.hasSuccess()).toBe(true);
    // The batch was answered: cancelling the call afterwards does not undo it.
    call.close(http2.constants.NGHTTP2_CANCEL);
    await outcome;
    await settle(es.url);
    expect(await readAllOf(es.client, stream)).toHaveLength(4);
  });

  it('Append: a complete request half-closed in one go is written', async () => {
    const stream = uniqueStream();
    const connection = await connect();
    const { stream: call, outcome } = connection.call(APPEND);
    call.end(Buffer.concat([appendOptions(stream), proposed(), proposed()].map((m) => grpcFrame(m))));
    const result = await outcome;
    expect(result.status).toBe(status.OK);
    expect(result.messages).toHaveLength(1);
    expect(await readAllOf(es.client, stream)).toHaveLength(2);
  });

  it('keeps serving reads on a connection after a call on it was cut off', async () => {
    const stream = uniqueStream();
    await es.client.appendToStream(stream, jsonEvent({ type: 'Before', data: {} }));
    const connection = await connect();
    const { stream: call } = connection.call(APPEND);
    call.write(grpcFrame(appendOptions(stream)));
    call.write(grpcFrame(proposed()));
    await connection.roundTrip();
    call.close();
    const read = connection.call('/event_store.client.streams.Streams/Read');
    const options = new ReadReq.Options()
      .setStream(
        new ReadReq.Options.StreamOptions().setStreamIdentifier(identifier(stream)).setStart(new Empty()),
      )
      .setCount('10')
      .setNoFilter(new Empty())
      .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()));
    read.stream.end(grpcFrame(new ReadReq().setOptions(options)));
    const result = await read.outcome;
    expect(result.status).toBe(status.OK);
    expect(result.messages).toHaveLength(1);
  });
});
