import { Binary, Decimal128, Document, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';

/**
 * BSON comparison order, as MongoDB sorts mixed types:
 * MinKey < null < numbers < strings < objects < arrays < binary < ObjectId < booleans < dates
 * < timestamps < regular expressions < MaxKey.
 */
function typeRank(value: unknown): number {
  if (value instanceof MinKey) return 0;
  if (value === null || value === undefined) return 1;
  if (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    value instanceof Long ||
    value instanceof Decimal128
  )
    return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (value instanceof Binary || Buffer.isBuffer(value)) return 6;
  if (value instanceof ObjectId) return 7;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (value instanceof Timestamp) return 10;
  if (value instanceof RegExp) return 11;
  if (value instanceof MaxKey) return 12;
  return 4;
}

const toNumber = (value: unknown): number =>
  value instanceof Long || value instanceof Decimal128 ? Number(value.toString()) : Number(value);

export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  switch (rankA) {
    case 2:
      return Math.sign(toNumber(a) - toNumber(b));
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 4: {
      const entriesA = Object.entries(a as Document);
      const entriesB = Object.entries(b as Document);
      for (let i = 0; i < Math.min(entriesA.length, entriesB.length); i++) {
        const byKey = entriesA[i][0] < entriesB[i][0] ? -1 : entriesA[i][0] > entriesB[i][0] ? 1 : 0;
        if (byKey !== 0) return byKey;
        const byValue = compareValues(entriesA[i][1], entriesB[i][1]);
        if (byValue !== 0) return byValue;
      }
      return entriesA.length - entriesB.length;
    }
    case 5: {
      const arrayA = a as unknown[];
      const arrayB = b as unknown[];
      for (let i = 0; i < Math.min(arrayA.length, arrayB.length); i++) {
        const c = compareValues(arrayA[i], arrayB[i]);
        if (c !== 0) return c;
      }
      return arrayA.length - arrayB.length;
    }
    case 6:
      return Buffer.compare(Buffer.from((a as Binary).buffer ?? a), Buffer.from((b as Binary).buffer ?? b));
    case 7:
      return (a as ObjectId).toHexString().localeCompare((b as ObjectId).toHexString());
    case 8:
      return Number(a) - Number(b);
    case 9:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 10:
      return (a as Timestamp).compare(b as Timestamp);
    case 11:
      return String(a).localeCompare(String(b));
    default:
      return 0;
  }
}

/** A string equal for exactly the values MongoDB considers equal (1 and 1.0 alike). */
export function valueKey(value: unknown): string {
  const rank = typeRank(value);
  switch (rank) {
    case 1:
      return 'n';
    case 2:
      return `#${toNumber(value)}`;
    case 3:
      return `s${value as string}`;
    case 5:
      return `[${(value as unknown[]).map(valueKey).join(',')}]`;
    case 6:
      return `b${Buffer.from((value as Binary).buffer ?? value).toString('base64')}`;
    case 7:
      return `o${(value as ObjectId).toHexString()}`;
    case 8:
      return `t${value}`;
    case 9:
      return `d${(value as Date).getTime()}`;
    case 4:
      return `{${Object.entries(value as Document)
        .map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`)
        .join(',')}}`;
    default:
      return `${rank}:${String(value)}`;
  }
}

/** The value at a dotted path; arrays along the way yield every element's value. */
export function valuesAt(doc: unknown, path: string): unknown[] {
  const [head, ...rest] = path.split('.');
  if (doc === null || typeof doc !== 'object') return [undefined];
  if (Array.isArray(doc) && !/^\d+$/.test(head)) return doc.flatMap((item) => valuesAt(item, path));
  const value = (doc as Document)[head];
  if (rest.length === 0) return Array.isArray(value) ? (value.length ? value : [undefined]) : [value];
  return valuesAt(value, rest.join('.'));
}

/** A document's sort key for one field: the least element of an array ascending, the greatest descending. */
export function sortValue(doc: Document, path: string, direction: number): unknown {
  const values = valuesAt(doc, path);
  return values.reduce((best, v) => (compareValues(v, best) * direction < 0 ? v : best), values[0]);
}

export function compareBySort(sort: Document): (a: Document, b: Document) => number {
  const fields = Object.entries(sort).map(([path, dir]) => [path, Number(dir) < 0 ? -1 : 1] as const);
  return (a, b) => {
    for (const [path, direction] of fields) {
      const c = compareValues(sortValue(a, path, direction), sortValue(b, path, direction));
      if (c !== 0) return c * direction;
    }
    return 0;
  };
}
