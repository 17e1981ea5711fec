import { FrameReader, MalformedMessage, MAX_MESSAGE_SIZE } from './wire-protocol';

/** A frame of `size` bytes: its length, then bytes that identify it. */
function frame(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.writeInt32LE(size, 0);
  for (let i = 4; i < size; i++) bytes[i] = (seed * 31 + i) & 0xff;
  return bytes;
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % below;
  };
}

describe('FrameReader', () => {
  it('returns exactly the frames sent, however the stream is cut', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const frames = Array.from({ length: 30 }, (_, i) =>
        frame(16 + next(i % 5 === 0 ? 200_000 : 300), seed * 100 + i),
      );
      const stream = Buffer.concat(frames);
      const reader = new FrameReader();
      const received: Buffer[] = [];
      for (let at = 0; at < stream.length;) {
        // Mostly tiny pieces, sometimes large ones, to mix staged and listed chunks.
        const size = next(4) === 0 ? 1 + next(70_000) : 1 + next(20);
        received.push(...reader.push(stream.subarray(at, at + size)).map((f) => Buffer.from(f)));
        at += size;
      }
      expect(received.length).toBe(frames.length);
      received.forEach((f, i) => expect(f.equals(frames[i])).toBe(true));
    }
  });

  it('refuses a declared length over the maximum as soon as the length is in', () => {
    const reader = new FrameReader();
    const head = Buffer.alloc(4);
    head.writeInt32LE(MAX_MESSAGE_SIZE + 1, 0);
    expect(reader.push(head.subarray(0, 3))).toEqual([]);
    expect(() => reader.push(head.subarray(3))).toThrow(MalformedMessage);
    expect(() => new FrameReader().push(Buffer.from([8, 0, 0, 0]))).toThrow(MalformedMessage);
  });

  it('reads a 40 MB frame in 16 KiB chunks in linear time', () => {
    const big = frame(40_000_000, 7);
    const reader = new FrameReader();
    const started = performance.now();
    let out: Buffer[] = [];
    for (let at = 0; at < big.length; at += 16 * 1024) out = reader.push(big.subarray(at, at + 16 * 1024));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out).toHaveLength(1);
    expect(out[0].equals(big)).toBe(true);
  });
});
