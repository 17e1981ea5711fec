import { Document } from 'bson';
import { Aggregator, find as mingoFind } from 'mingo';
import { CommandContext, CommandHandler, nsOf } from '../command-context';
import { errors } from '../errors';
import { valueKey, valuesAt } from '../values';

const asNumber = (value: unknown): number | undefined =>
  value === undefined || value === null ? undefined : Number(value);

/** Applies a find projection, as MongoDB would (via mingo). */
export function project(documents: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return documents;
  return (mingoFind(documents, {}, projection).all() as Document[]).map(idFirst);
}

/** MongoDB returns `_id` first. */
const idFirst = (doc: Document): Document => ('_id' in doc ? { _id: doc._id, ...doc } : doc);

export function documentsOf(context: CommandContext, collection: string, filter: Document, options = {}) {
  return context.databases.get(nsOf(context, collection))?.find(filter, options) ?? [];
}

const find: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.find);
  const limit = asNumber(command.limit);
  const docs = documentsOf(context, command.find, (command.filter as Document) ?? {}, {
    sort: command.sort as Document | undefined,
    skip: asNumber(command.skip),
    limit: limit === undefined ? undefined : Math.abs(limit),
  });
  const batchSize = command.singleBatch ? Number.MAX_SAFE_INTEGER : asNumber(command.batchSize);
  return context.cursors.first(ns, project(docs, command.projection as Document | undefined), batchSize);
};

const getMore: CommandHandler = (command, context) => {
  const id = Number(command.getMore);
  const reply = context.cursors.more(id, asNumber(command.batchSize));
  if (!reply) throw errors.cursorNotFound(BigInt(id));
  return reply;
};

const killCursors: CommandHandler = (command, context) => {
  const ids = ((command.cursors as unknown[]) ?? []).map(Number);
  const killed = ids.filter((id) => context.cursors.kill(id));
  return {
    cursorsKilled: killed,
    cursorsNotFound: ids.filter((id) => !killed.includes(id)),
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
};

const count: CommandHandler = (command, context) => {
  const docs = documentsOf(context, command.count, (command.query as Document) ?? {}, {
    skip: asNumber(command.skip),
    limit: asNumber(command.limit),
  });
  return { n: docs.length, ok: 1 };
};

const distinct: CommandHandler = (command, context) => {
  if (typeof command.key !== 'string') throw errors.typeMismatch("'key' must be a string");
  const docs = documentsOf(context, command.distinct, (command.query as Document) ?? {});
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const value of valuesAt(doc, command.key)) if (value !== undefined) seen.set(valueKey(value), value);
  }
  return { values: [...seen.values()], ok: 1 };
};

const aggregate: CommandHandler = (command, context) => {
  const pipeline = command.pipeline as Document[];
  if (!Array.isArray(pipeline)) throw errors.typeMismatch("'pipeline' must be an array");
  if (!command.cursor && !command.explain) throw errors.failedToParse("The 'cursor' option is required");
  const collection = typeof command.aggregate === 'string' ? command.aggregate : undefined;
  if (!collection) throw errors.invalidNamespace('aggregate needs a collection name');
  // A leading $match can use the collection's indexes.
  const [first, ...rest] = pipeline;
  const leadingMatch = first && '$match' in first;
  const input = documentsOf(context, collection, leadingMatch ? (first.$match as Document) : {});
  const stages = leadingMatch ? rest : pipeline;
  const results =
    stages.length === 0
      ? input
      : (new Aggregator(stages, {
          collectionResolver: (name: string) => documentsOf(context, name, {}),
        }).run(input) as Document[]);
  const batchSize = asNumber((command.cursor as Document | undefined)?.batchSize);
  return context.cursors.first(nsOf(context, collection), results, batchSize);
};

export const queryCommands: Record<string, CommandHandler> = {
  find,
  getmore: getMore,
  killcursors: killCursors,
  count,
  distinct,
  aggregate,
};
