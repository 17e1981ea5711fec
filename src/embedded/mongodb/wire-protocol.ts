import { BSON, Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;
const HEADER_SIZE = 16;

export interface Request {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command, with any document sequences folded in as arrays (as the body would carry them). */
  command: Document;
  /** OP_MSG with moreToCome: the client expects no reply. */
  noReply: boolean;
}

/** A frame the server cannot read: the connection that sent it is closed. */
export class MalformedMessage extends Error {}

const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, validation: { utf8: false } } as const;

/** Chunks smaller than this are copied into a shared staging buffer rather than listed one by one. */
const SMALL_CHUNK = 4 * 1024;
const STAGING_SIZE = 64 * 1024;

/**
 * Splits a TCP byte stream into whole wire-protocol frames, in time linear in the bytes received:
 * chunks are only listed until a frame is complete, then copied once. A declared length over the
 * maximum message size is refused as soon as its four bytes arrive, before any body is buffered.
 * Small chunks (a client trickling bytes) are gathered into a staging buffer, so that each costs
 * its bytes rather than a buffer object of its own.
 */
export class FrameReader {
  /** Buffered bytes in order, as views; the staged bytes follow them. */
  private chunks: Buffer[] = [];
  private length = 0;
  private staging: Buffer | undefined;
  private stagedFrom = 0;
  private stagedTo = 0;
  /** The length the frame being received declares, once its first four bytes are in. */
  private expected: number | undefined;

  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.length < 4) break;
        this.seal();
        const size = this.peekLength();
        if (size < HEADER_SIZE || size > MAX_MESSAGE_SIZE)
          throw new MalformedMessage(`invalid message length ${size}`);
        this.expected = size;
      }
      if (this.length < this.expected) break;
      this.seal();
      frames.push(this.take(this.expected));
      this.expected = undefined;
    }
    return frames;
  }

  private append(chunk: Buffer): void {
    this.length += chunk.length;
    if (chunk.length >= SMALL_CHUNK) {
      this.seal();
      this.chunks.push(chunk);
      return;
    }
    if (!this.staging || this.staging.length - this.stagedTo < chunk.length) {
      this.seal();
      this.staging = Buffer.allocUnsafe(STAGING_SIZE);
      this.stagedFrom = this.stagedTo = 0;
    }
    this.stagedTo += chunk.copy(this.staging, this.stagedTo);
  }

  /** Lists the staged bytes as a chunk; later bytes are staged after them, never over them. */
  private seal(): void {
    if (!this.staging || this.stagedTo === this.stagedFrom) return;
    this.chunks.push(this.staging.subarray(this.stagedFrom, this.stagedTo));
    this.stagedFrom = this.stagedTo;
  }

  /** The little-endian int32 at the start of the buffered bytes, which may span chunks. */
  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32LE(0);
    const head = Buffer.alloc(4);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(head, filled, 0, Math.min(chunk.length, 4 - filled));
      if (filled === 4) break;
    }
    return head.readInt32LE(0);
  }

  /** Removes the first `size` buffered bytes: a view when they lie in one chunk, else one copy. */
  private take(size: number): Buffer {
    const first = this.chunks[0];
    let frame: Buffer;
    if (first.length >= size) {
      frame = first.subarray(0, size);
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
    } else {
      frame = Buffer.allocUnsafe(size);
      let filled = 0;
      let used = 0;
      while (filled < size) {
        const chunk = this.chunks[used];
        const copied = chunk.copy(frame, filled, 0, Math.min(chunk.length, size - filled));
        filled += copied;
        if (copied === chunk.length) used++;
        else this.chunks[used] = chunk.subarray(copied);
      }
      this.chunks.splice(0, used);
    }
    this.length -= size;
    return frame;
  }
}

export function parseFrame(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  try {
    if (opCode === OP_MSG) return parseMsg(frame, requestId);
    if (opCode === OP_QUERY) return parseQuery(frame, requestId);
  } catch (error) {
    throw new MalformedMessage(`unreadable message: ${(error as Error).message}`);
  }
  throw new MalformedMessage(`unsupported opCode ${opCode}`);
}

function parseMsg(frame: Buffer, requestId: number): Request {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  const end = flags & CHECKSUM_PRESENT ? frame.length - 4 : frame.length;
  let offset = HEADER_SIZE + 4;
  let command: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = frame[offset++];
    if (kind === 0) {
      const size = frame.readInt32LE(offset);
      command = BSON.deserialize(frame.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
      offset += size;
    } else if (kind === 1) {
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = frame.indexOf(0, offset + 4);
      const name = frame.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd;) {
        const docSize = frame.readInt32LE(at);
        documents.push(BSON.deserialize(frame.subarray(at, at + docSize), DESERIALIZE_OPTIONS));
        at += docSize;
      }
      sequences.push([name, documents]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown section kind ${kind}`);
    }
  }
  if (!command) throw new Error('no body section');
  for (const [name, documents] of sequences) command[name] = documents;
  return { requestId, opCode: OP_MSG, command, noReply: (flags & MORE_TO_COME) !== 0 };
}

/** Only the legacy handshake arrives this way: `admin.$cmd` with isMaster/hello. */
function parseQuery(frame: Buffer, requestId: number): Request {
  let offset = HEADER_SIZE + 4;
  const nameEnd = frame.indexOf(0, offset);
  offset = nameEnd + 1 + 8;
  const size = frame.readInt32LE(offset);
  let command = BSON.deserialize(frame.subarray(offset, offset + size), DESERIALIZE_OPTIONS);
  if (command.$query) command = command.$query as Document;
  return { requestId, opCode: OP_QUERY, command, noReply: false };
}

let nextResponseId = 1;

export function encodeReply(request: Request, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  if (request.opCode === OP_QUERY) {
    const header = Buffer.alloc(HEADER_SIZE + 20);
    header.writeInt32LE(header.length + body.length, 0);
    header.writeInt32LE(nextResponseId++, 4);
    header.writeInt32LE(request.requestId, 8);
    header.writeInt32LE(OP_REPLY, 12);
    header.writeInt32LE(0, 16); // responseFlags
    header.writeBigInt64LE(0n, 20); // cursorID
    header.writeInt32LE(0, 28); // startingFrom
    header.writeInt32LE(1, 32); // numberReturned
    return Buffer.concat([header, body]);
  }
  const header = Buffer.alloc(HEADER_SIZE + 5);
  header.writeInt32LE(header.length + body.length, 0);
  header.writeInt32LE(nextResponseId++, 4);
  header.writeInt32LE(request.requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header[20] = 0;
  return Buffer.concat([header, body]);
}
