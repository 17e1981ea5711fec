import { StoredEvent } from '../event-log.types';

/** The bytes gRPC puts before each message: a flag (0: not compressed) and a big-endian uint32 length. */
export const GRPC_PREFIX_BYTES = 5;

/**
 * Encodes `ReadResp { event: ReadEvent }` straight to protobuf bytes, in one allocation. Reads
 * and subscriptions send one such message per event, and building google-protobuf objects for
 * each costs more than the rest of the read path together. Field numbers are streams.proto's.
 * Strings are written in place, without a buffer of their own. With `framed`, the bytes start
 * with gRPC's prefix, as they go on the wire (see MessageBatch).
 */
export function encodeReadEvent(event: StoredEvent, framed = false): Buffer {
  // The id is sent as latin1, one byte per UTF-16 code unit; `created` in .NET ticks (100 ns)
  // since the Unix epoch, as text: milliseconds followed by four zeros.
  const created = `${event.created}0000`;
  const idLength = event.eventId.length;
  const streamLength = Buffer.byteLength(event.streamId, 'utf8');
  const typeLength = Buffer.byteLength(event.type, 'utf8');
  const contentTypeLength = Buffer.byteLength(event.contentType, 'utf8');

  const uuid = fieldSize(idLength); // UUID { string = 2 }
  const streamIdentifier = fieldSize(streamLength); // StreamIdentifier { stream_name = 3 }
  const typeEntry = fieldSize(TYPE_KEY.length) + fieldSize(typeLength);
  const contentTypeEntry = fieldSize(CONTENT_TYPE_KEY.length) + fieldSize(contentTypeLength);
  const createdEntry = fieldSize(CREATED_KEY.length) + fieldSize(created.length);
  const recorded =
    fieldSize(uuid) +
    fieldSize(streamIdentifier) +
    1 +
    varintSize(event.revision) +
    2 * (1 + varintSize(event.position)) +
    fieldSize(typeEntry) +
    fieldSize(contentTypeEntry) +
    fieldSize(createdEntry) +
    optionalFieldSize(event.metadata.length) +
    optionalFieldSize(event.data.length);
  const readEvent = fieldSize(recorded) + 1 + varintSize(event.position);
  const size = fieldSize(readEvent);
  const out = new Writer(size, framed);

  out.header(1, readEvent); // ReadResp.event
  out.header(1, recorded); // ReadEvent.event
  out.header(1, uuid).string(2, event.eventId, idLength, 'latin1'); // RecordedEvent.id
  out.header(2, streamIdentifier).string(3, event.streamId, streamLength, 'utf8'); // .stream_identifier
  out.varint(3, event.revision).varint(4, event.position).varint(5, event.position);
  out.header(6, typeEntry).bytes(1, TYPE_KEY).string(2, event.type, typeLength, 'utf8');
  out
    .header(6, contentTypeEntry)
    .bytes(1, CONTENT_TYPE_KEY)
    .string(2, event.contentType, contentTypeLength, 'utf8');
  out.header(6, createdEntry).bytes(1, CREATED_KEY).string(2, created, created.length, 'latin1');
  if (event.metadata.length > 0) out.bytes(7, event.metadata);
  if (event.data.length > 0) out.bytes(8, event.data);
  out.varint(3, event.position); // ReadEvent.commit_position
  return out.buffer;
}

const TYPE_KEY = Buffer.from('type');
const CONTENT_TYPE_KEY = Buffer.from('content-type');
const CREATED_KEY = Buffer.from('created');
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

/** Size of a length-delimited field with a one-byte tag (field numbers below 16). */
const fieldSize = (length: number): number => 1 + varintSize(length) + length;
const optionalFieldSize = (length: number): number => (length > 0 ? fieldSize(length) : 0);

function varintSize(value: number): number {
  if (value < 128) return 1;
  if (value < 16384) return 2;
  let size = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) size++;
  return size;
}

class Writer {
  readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number, framed: boolean) {
    if (!framed) {
      this.buffer = Buffer.allocUnsafe(size);
      return;
    }
    this.buffer = Buffer.allocUnsafe(GRPC_PREFIX_BYTES + size);
    this.buffer[0] = 0;
    this.buffer.writeUInt32BE(size, 1);
    this.offset = GRPC_PREFIX_BYTES;
  }

  header(field: number, length: number): this {
    this.buffer[this.offset++] = (field << 3) | WIRE_LENGTH_DELIMITED;
    this.raw(length);
    return this;
  }

  bytes(field: number, value: Buffer): this {
    this.header(field, value.length);
    value.copy(this.buffer, this.offset);
    this.offset += value.length;
    return this;
  }

  /** A string of `length` bytes in `encoding`, written where it goes. */
  string(field: number, value: string, length: number, encoding: 'utf8' | 'latin1'): this {
    this.header(field, length);
    this.offset += this.buffer.write(value, this.offset, length, encoding);
    return this;
  }

  varint(field: number, value: number): this {
    this.buffer[this.offset++] = (field << 3) | WIRE_VARINT;
    this.raw(value);
    return this;
  }

  /** Values stay below 2^53: beyond 2^31, division keeps them exact where bit operators would not. */
  private raw(value: number): void {
    let rest = value;
    if (rest < 0x80000000) {
      while (rest >= 128) {
        this.buffer[this.offset++] = (rest & 127) | 0x80;
        rest >>>= 7;
      }
      this.buffer[this.offset++] = rest;
      return;
    }
    while (rest >= 128) {
      this.buffer[this.offset++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buffer[this.offset++] = rest;
  }
}
