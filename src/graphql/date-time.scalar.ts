import { GraphQLError, GraphQLScalarType, GraphQLSchema, Kind, print, ValueNode } from 'graphql';
import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { ErrorCodes } from './error-codes';

/** RFC 3339 `date-time`: a full date, a full time, an explicit offset; `T` and `Z` in either case. */
const RFC_3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * The instant an RFC 3339 date-time names, or undefined for anything else: no calendar roll-over
 * (30 February is refused, not read as 2 March), no leap second (a JavaScript date cannot hold
 * one), no missing offset, no other format. Fractions beyond the millisecond are dropped.
 */
export function parseDateTime(text: string): Date | undefined {
  const match = RFC_3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHour = Number(match[7] ?? 0);
  const offsetMinute = Number(match[8] ?? 0);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  if (!valid) return undefined;
  const date = new Date(text.toUpperCase());
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const refuse = (shown: string, options: { nodes?: ValueNode } = {}): GraphQLError =>
  new GraphQLError(
    `DateTime must be an RFC 3339 date-time with an offset, such as 2030-05-01T18:00:00Z; got ${shown}.`,
    { ...options, extensions: { code: ErrorCodes.BAD_USER_INPUT } },
  );

const truncate = (text: string): string => (text.length > 60 ? `${text.slice(0, 60)}…` : text);
const show = (value: unknown): string =>
  typeof value === 'string' ? truncate(JSON.stringify(value)) : `a ${typeof value}`;

/**
 * The one date-time scalar of the API. Input is a string in RFC 3339 `date-time` form, with `Z`
 * or `±hh:mm`; numbers, `Date` objects and every other format are refused with BAD_USER_INPUT,
 * as literals and as variables alike. Output is the UTC form with milliseconds.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An instant as an RFC 3339 date-time with an explicit offset, such as `2030-05-01T18:00:00Z` or ' +
    '`2030-05-01T20:00:00+02:00`. Returned in UTC: `2030-05-01T18:00:00.000Z`.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' ? parseDateTime(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`DateTime cannot represent ${show(value)}.`);
    }
    return date.toISOString();
  },
  parseValue(value) {
    const date = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (!date) throw refuse(show(value));
    return date;
  },
  parseLiteral(node) {
    const date = node.kind === Kind.STRING ? parseDateTime(node.value) : undefined;
    if (!date)
      throw refuse(node.kind === Kind.STRING ? show(node.value) : truncate(print(node)), { nodes: node });
    return date;
  },
});

/**
 * The schema with every `DateTime` (such as Nest's lenient `GraphQLISODateTime`, which reads
 * `2030-02-30` as 2 March and takes numbers) replaced by the strict one, so one rule holds for
 * every date-time of the API, whichever module declares it.
 */
export function withStrictDateTime(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.SCALAR_TYPE]: (type) => (type.name === DateTimeScalar.name ? DateTimeScalar : type),
  });
}
