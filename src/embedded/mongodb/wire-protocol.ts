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

/** Splits a TCP byte stream into whole wire-protocol frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    while (this.length >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0] : this.flatten();
      const size = head.readInt32LE(0);
      if (size < HEADER_SIZE || size > MAX_MESSAGE_SIZE)
        throw new MalformedMessage(`invalid message length ${size}`);
      if (this.length < size) break;
      const all = this.flatten();
      frames.push(all.subarray(0, size));
      const rest = all.subarray(size);
      this.chunks = rest.length ? [rest] : [];
      this.length = rest.length;
    }
    return frames;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
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
