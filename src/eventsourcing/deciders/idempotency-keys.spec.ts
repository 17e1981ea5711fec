import { createHash } from 'node:crypto';
import { fingerprintOf } from './idempotency-keys';

describe('fingerprintOf', () => {
  const command = { type: 'ChangeProfile', userId: 'u-1', displayName: 'Ada' };

  it('is the same for the same command on the same stream, whatever the key order, time or proof', () => {
    const reordered = {
      displayName: 'Ada',
      userId: 'u-1',
      type: 'ChangeProfile',
      now: new Date(),
      proof: { x: 1 },
    };
    expect(fingerprintOf('key', 'user-1', reordered)).toBe(fingerprintOf('key', 'user-1', command));
  });

  it('differs for another input or another stream', () => {
    const base = fingerprintOf('key', 'user-1', command);
    expect(fingerprintOf('key', 'user-1', { ...command, displayName: 'Eve' })).not.toBe(base);
    expect(fingerprintOf('key', 'user-2', command)).not.toBe(base);
  });

  it('cannot be recomputed without the key, so a guess at a personal input cannot be checked', () => {
    const base = fingerprintOf('key', 'user-1', command);
    expect(fingerprintOf('another key', 'user-1', command)).not.toBe(base);
    const unkeyed = createHash('sha256')
      .update(
        JSON.stringify({
          command: { displayName: 'Ada', type: 'ChangeProfile', userId: 'u-1' },
          streamId: 'user-1',
        }),
      )
      .digest('base64url');
    expect(base).not.toBe(unkeyed);
  });
});
