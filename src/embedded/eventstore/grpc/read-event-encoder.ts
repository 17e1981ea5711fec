import { StoredEvent } from '../event-log.types';

/**
 * Encodes `ReadResp { event: ReadEvent }` straight to protobuf bytes, in one allocation. Reads
 * and subscriptions send one such message per event, and building google-protobuf objects for
 * each costs more than the rest of the read path together. Field numbers are streams.proto's.
 */
export function encodeReadEvent(event: StoredEvent): Buffer {
  const id = Buffer.from(event.eventId, 'latin1');
  const stream = Buffer.from(event.streamId, 'utf8');
  const metadataEntries: [Buffer, Buffer][] = [
    [TYPE_KEY, Buffer.from(event.type, 'utf8')],
    [CONTENT_TYPE_KEY, Buffer.from(event.contentType, 'utf8')],
    // .NET ticks (100 ns) since the Unix epoch, as text: milliseconds followed by four zeros.
    [CREATED_KEY, Buffer.from(`${event.created}0000`, 'latin1')],
  ];

  const uuid = fieldSize(2, id.length); // UUID { string = 2 }
  const streamIdentifier = fieldSize(3, stream.length); // StreamIdentifier { stream_name = 3 }
  const entrySizes = metadataEntries.map(([k, v]) => fieldSize(1, k.length) + fieldSize(2, v.length));
  const recorded =
    fieldSize(1, uuid) +
    fieldSize(2, streamIdentifier) +
    1 +
    varintSize(event.revision) +
    2 * (1 + varintSize(event.position)) +
    entrySizes.reduce((sum, size) => sum + fieldSize(6, size), 0) +
    optionalFieldSize(event.metadata.length) +
    optionalFieldSize(event.data.length);
  const readEvent = fieldSize(1, recorded) + 1 + varintSize(event.position);
  const out = new Writer(fieldSize(1, readEvent));

  out.header(1, readEvent); // ReadResp.event
  out.header(1, recorded); // ReadEvent.event
  out.header(1, uuid).bytes(2, id); // RecordedEvent.id
  out.header(2, streamIdentifier).bytes(3, stream); // RecordedEvent.stream_identifier
  out.varint(3, event.revision).varint(4, event.position).varint(5, event.position);
  metadataEntries.forEach(([key, value], i) => out.header(6, entrySizes[i]).bytes(1, key).bytes(2, value));
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
const fieldSize = (_field: number, length: number): number => 1 + varintSize(length) + length;
const optionalFieldSize = (length: number): number => (length > 0 ? fieldSize(0, length) : 0);

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 128; rest = Math.floor(rest / 128)) size++;
  return size;
}

class Writer {
  readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
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

  varint(field: number, value: number): this {
    this.buffer[this.offset++] = (field << 3) | WIRE_VARINT;
    this.raw(value);
    return this;
  }

  /** Values stay below 2^53, so division keeps them exact where bit operators would not. */
  private raw(value: number): void {
    let rest = value;
    while (rest >= 128) {
      this.buffer[this.offset++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buffer[this.offset++] = rest;
  }
}
