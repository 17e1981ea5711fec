import { Collection, Document, Filter, Sort } from 'mongodb';
import { InvalidInputError } from './graphql-error.filter';
import { PageInfo } from './page-info.type';
import { isLowerCaseUuid } from './uuid';

export interface Page<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: PageInfo;
}

/**
 * One page of a connection over documents with UUID ids, ordered by a date field then by id
 * (ascending or descending), after an opaque cursor naming the last document seen. Stable under
 * inserts: the next page starts after that document, wherever it now is.
 */
export async function keysetPage<Doc extends Document & { _id: string }, Node>(
  collection: Collection<Doc>,
  options: {
    query: Filter<Doc>;
    field: string;
    order: 1 | -1;
    first: number;
    after?: string | null;
    toNode: (doc: Doc) => Node;
  },
): Promise<Page<Node>> {
  const { query, field, order, first, after, toNode } = options;
  const past = order === 1 ? '$gt' : '$lt';
  const cursor = after == null ? undefined : decodeCursor(after);
  const page = cursor
    ? {
        $and: [
          query,
          { $or: [{ [field]: { [past]: cursor.at } }, { [field]: cursor.at, _id: { [past]: cursor.id } }] },
        ],
      }
    : query;
  const docs = (await collection
    .find(page as Filter<Doc>)
    .sort({ [field]: order, _id: order } as Sort)
    .limit(first + 1)
    .toArray()) as Doc[];
  const edges = docs
    .slice(0, first)
    .map((doc) => ({ cursor: encodeCursor(doc[field] as Date, doc._id), node: toNode(doc) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: docs.length > first,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}

const encodeCursor = (at: Date, id: string): string =>
  Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(typeof at === 'string' ? at : Number.NaN);
    if (typeof id !== 'string' || !isLowerCaseUuid(id)) throw new Error();
    // Only what encodeCursor writes, byte for byte: base64url decoding skips what it cannot read.
    if (Number.isNaN(date.getTime()) || encodeCursor(date, id) !== cursor) throw new Error();
    return { at: date, id };
  } catch {
    throw new InvalidInputError([{ field: 'after', problems: ['after must be a cursor this API gave out'] }]);
  }
}
