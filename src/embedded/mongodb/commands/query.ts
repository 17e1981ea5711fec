import { Document } from 'bson';
import { Aggregator, find as mingoFind, ProcessingMode } from 'mingo';
import { CommandContext, CommandHandler, nsOf } from '../command-context';
import { FindOptions, page } from '../collection';
import { errors, MongoError } from '../errors';
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

/**
 * The documents of a collection or view matching `filter`, sorted, skipped and limited. A view
 * reads its source through its pipeline at the time of the read.
 */
export function documentsOf(
  context: CommandContext,
  collection: string,
  filter: Document,
  options: FindOptions = {},
): Document[] {
  const source = context.databases.resolve(nsOf(context, collection));
  if (source.pipeline.length === 0) return context.databases.get(source.ns)?.find(filter, options) ?? [];
  return page(runPipeline(context, source.ns, source.pipeline), filter, options);
}

/** Stages that only pass their inputs on or build new documents; mingo may write into inputs otherwise. */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$skip', '$limit', '$count', '$group', '$sortByCount']);

/** Deep copies, keeping BSON values (ObjectId, Decimal128, ...) as they are: mingo's own cloning. */
const deepCopies = (documents: Document[]): Document[] =>
  new Aggregator([], { processingMode: ProcessingMode.CLONE_INPUT }).run(documents) as Document[];

/**
 * A pipeline over a collection's documents; a leading `$match` can use the collection's indexes.
 * The stored documents are never changed: a pipeline that could write into its inputs (mingo sets
 * nested fields in place) works on copies.
 */
export function runPipeline(context: CommandContext, ns: string, pipeline: Document[]): Document[] {
  const [first, ...rest] = pipeline;
  const leadingMatch = first !== undefined && Object.keys(first).length === 1 && '$match' in first;
  const input = context.databases.get(ns)?.find(leadingMatch ? (first.$match as Document) : {}) ?? [];
  const stages = leadingMatch ? rest : pipeline;
  if (stages.length === 0) return input;
  const copies = stages.some((stage) => !READ_ONLY_STAGES.has(Object.keys(stage)[0]));
  try {
    return new Aggregator(stages, {
      processingMode: copies ? ProcessingMode.CLONE_INPUT : ProcessingMode.CLONE_OFF,
      collectionResolver: (name: string) => {
        const joined = documentsOf(context, name, {});
        return copies ? deepCopies(joined) : joined;
      },
    }).run(input) as Document[];
  } catch (error) {
    throw pipelineError(error);
  }
}

/** MongoDB's error for a pipeline mingo refuses. */
export function pipelineError(error: unknown): unknown {
  if (error instanceof MongoError || !(error instanceof Error)) return error;
  const stage = /unregistered pipeline operator (\S+?)\.?$/.exec(error.message);
  if (stage) return errors.unrecognizedStage(stage[1]);
  return errors.badValue(error.message);
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
  // On a view, the view's pipeline runs first, on its source collection.
  const ns = nsOf(context, collection);
  const source = context.databases.resolve(ns);
  const results = runPipeline(context, source.ns, [...source.pipeline, ...pipeline]);
  const batchSize = asNumber((command.cursor as Document | undefined)?.batchSize);
  return context.cursors.first(ns, results, batchSize);
};

export const queryCommands: Record<string, CommandHandler> = {
  find,
  getmore: getMore,
  killcursors: killCursors,
  count,
  distinct,
  aggregate,
};
