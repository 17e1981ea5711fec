import { parseDateTime } from './date-time.scalar';

describe('parseDateTime', () => {
  it('reads RFC 3339 date-times with an offset', () => {
    expect(parseDateTime('2030-05-01T18:00:00Z')?.toISOString()).toBe('2030-05-01T18:00:00.000Z');
    expect(parseDateTime('2030-05-01t20:00:00.5+02:00')?.toISOString()).toBe('2030-05-01T18:00:00.500Z');
    expect(parseDateTime('2028-02-29T00:00:00-00:00')?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseDateTime('2030-12-31T23:59:59.123456789Z')?.toISOString()).toBe('2030-12-31T23:59:59.123Z');
  });

  it.each([
    '2030-02-30T00:00:00Z',
    '2030-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2030-04-31T00:00:00Z',
    '2030-13-01T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T23:60:00Z',
    '2030-12-31T23:59:60Z',
    '2030-01-01T00:00:00+24:00',
    '2030-01-01T00:00:00',
    '2030-01-01',
    '2030',
    'Tue Jan 01 2030',
    '01/02/2030',
    '2030-01-01 00:00:00Z',
    '2030-01-01T00:00:00.Z',
    '+002030-01-01T00:00:00Z',
    '1893456000',
  ])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});
