import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { StoredEvent } from '../event-log.types';
import { encodeReadEvent } from './read-event-encoder';

describe('encodeReadEvent', () => {
  const decode = (event: StoredEvent) => ReadResp.deserializeBinary(encodeReadEvent(event)).getEvent()!;

  it.each([
    ['small values', 0, 0, Buffer.from('{}'), Buffer.alloc(0)],
    ['multi-byte varints', 300, 2 ** 40 + 5, Buffer.alloc(70_000, 7), Buffer.from('{"m":1}')],
    ['empty data', 127, 128, Buffer.alloc(0), Buffer.from([1, 2, 3])],
  ])('round-trips through the generated decoder (%s)', (_name, revision, position, data, metadata) => {
    const event: StoredEvent = {
      position,
      streamId: 'meetup-ünïcode-✓',
      revision,
      eventId: '3f2a8c1e-9b7d-4e6f-a5c3-1d2e3f4a5b6c',
      type: 'MeetupScheduled',
      contentType: 'application/json',
      data,
      metadata,
      created: 1_764_000_000_123,
    };
    const readEvent = decode(event);
    const recorded = readEvent.getEvent()!;
    expect(recorded.getId()!.getString()).toBe(event.eventId);
    expect(Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString()).toBe(event.streamId);
    expect(recorded.getStreamRevision()).toBe(String(revision));
    expect(recorded.getPreparePosition()).toBe(String(position));
    expect(recorded.getCommitPosition()).toBe(String(position));
    expect(readEvent.getCommitPosition()).toBe(String(position));
    const map = recorded.getMetadataMap();
    expect([map.get('type'), map.get('content-type'), map.get('created')]).toEqual([
      'MeetupScheduled',
      'application/json',
      '17640000001230000',
    ]);
    expect(Buffer.from(recorded.getData_asU8())).toEqual(data);
    expect(Buffer.from(recorded.getCustomMetadata_asU8())).toEqual(metadata);
  });

  it('framed, gives the same bytes after the gRPC prefix (flag 0, big-endian length)', () => {
    const event: StoredEvent = {
      position: 2 ** 33 + 1,
      streamId: 'meetup-ünïcode-✓',
      revision: 5,
      eventId: '3f2a8c1e-9b7d-4e6f-a5c3-1d2e3f4a5b6c',
      type: 'SeatsReserved',
      contentType: 'application/json',
      data: Buffer.from('{"quantity":2}'),
      metadata: Buffer.from('{"m":1}'),
      created: 1_764_000_000_123,
    };
    const message = encodeReadEvent(event);
    const frame = encodeReadEvent(event, true);
    expect(frame.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, message.length]));
    expect(frame.subarray(5)).toEqual(message);
  });
});
