import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles its bound up to the maximum, each wait between half the bound and the bound', () => {
    const lowest = new Backoff(100, 1000, () => 0);
    const highest = new Backoff(100, 1000, () => 1 - Number.EPSILON);
    const waits = (backoff: Backoff) => Array.from({ length: 6 }, () => Math.round(backoff.next()));
    expect(waits(lowest)).toEqual([50, 100, 200, 400, 500, 500]);
    expect(waits(highest)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads consumers that fail together', () => {
    const waits = new Set(Array.from({ length: 20 }, () => new Backoff(100, 1000).next()));
    expect(waits.size).toBeGreaterThan(1);
  });

  it('starts again from the minimum once reset', () => {
    const backoff = new Backoff(100, 1000, () => 0);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});
