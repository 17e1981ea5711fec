import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  let now = 0;
  const meter = () => new RateMeter(5, () => now);

  beforeEach(() => (now = 10_000));

  it('is 0 before anything is recorded', () => {
    expect(meter().perSecond()).toBe(0);
  });

  it('averages over the seconds recorded so far', () => {
    const rate = meter();
    for (let i = 0; i < 4; i++) {
      rate.record(100);
      now += 1000;
    }
    expect(rate.perSecond()).toBeCloseTo(100, 0);
  });

  it('forgets what is older than its window', () => {
    const rate = meter();
    rate.record(10_000);
    now += 10_000;
    rate.record(50);
    expect(rate.perSecond()).toBeLessThanOrEqual(50);
    now += 10_000;
    expect(rate.perSecond()).toBe(0);
  });
});
