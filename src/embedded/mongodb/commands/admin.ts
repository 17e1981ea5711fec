import { Document } from 'bson';
import { Aggregator, Query } from 'mingo';
import { CommandContext, CommandHandler, nsOf } from '../command-context';
import { IndexSpec } from '../collection-index';
import { errors } from '../errors';
import { pipelineError } from './query';

const indexName = (key: Document): string =>
  Object.entries(key)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');

const create: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.create);
  if (command.viewOn !== undefined) return createView(ns, command, context);
  if (command.pipeline !== undefined)
    throw errors.badValue("'pipeline' requires 'viewOn' to also be specified");
  if (context.databases.exists(ns)) throw errors.namespaceExists(`Collection ${ns} already exists.`);
  context.databases.obtain(ns, context.changes);
  return { ok: 1 };
};

const WRITING_STAGES = new Set(['$out', '$merge']);

function createView(ns: string, command: Document, context: CommandContext): Document {
  const { viewOn } = command;
  if (typeof viewOn !== 'string') {
    throw errors.typeMismatch(
      `BSON field 'create.viewOn' is the wrong type '${typeName(viewOn)}', expected type 'string'`,
    );
  }
  if (viewOn.length === 0) throw errors.badValue("'viewOn' cannot be empty");
  const name = ns.slice(context.db.length + 1);
  if (name === 'system.views') throw errors.invalidNamespace(`Cannot create a view called '${name}'`);
  if (name.startsWith('system.')) throw errors.invalidNamespace(`Invalid system namespace: ${ns}`);
  const pipeline = command.pipeline ?? [];
  if (!Array.isArray(pipeline)) {
    throw errors.typeMismatch(
      `BSON field 'create.pipeline' is the wrong type '${typeName(pipeline)}', expected type 'array'`,
    );
  }
  pipeline.forEach((stage: unknown, at) => {
    if (
      typeof stage !== 'object' ||
      stage === null ||
      Array.isArray(stage) ||
      Object.keys(stage).length !== 1
    ) {
      throw errors.typeMismatch('Each element of the pipeline must be an object with exactly one field');
    }
    const name = Object.keys(stage)[0];
    if (WRITING_STAGES.has(name)) {
      throw errors.optionNotSupportedOnView(
        `The aggregation stage ${name} in location ${at} of the pipeline cannot be used in the view definition of ${ns} because it writes to disk`,
      );
    }
  });
  // Refuse, as MongoDB does, a pipeline that cannot run: unknown stages or operators.
  try {
    new Aggregator(pipeline as Document[]).run([]);
  } catch (error) {
    throw pipelineError(error);
  }
  context.databases.createView(ns, viewOn, pipeline as Document[], context.changes);
  return { ok: 1 };
}

const typeName = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'object'
        ? 'object'
        : typeof value;

const drop: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.drop);
  if (context.databases.dropView(ns, context.changes)) return { ns, ok: 1 };
  const collection = context.databases.get(ns);
  const nIndexesWas = collection?.indexes.length ?? 0;
  context.databases.drop(ns, context.changes);
  return { ns, nIndexesWas, ok: 1 };
};

const dropDatabase: CommandHandler = (_command, context) => {
  for (const ns of context.databases.namespacesOf(context.db)) context.databases.drop(ns, context.changes);
  return { dropped: context.db, ok: 1 };
};

const listCollections: CommandHandler = (command, context) => {
  const filter = new Query((command.filter as Document) ?? {});
  const collections = context.databases.namespacesOf(context.db).map((ns) => ({
    name: ns.slice(context.db.length + 1),
    type: 'collection',
    options: {},
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const views = context.databases.viewsOf(context.db).map(([name, view]) => ({
    name,
    type: 'view',
    options: { viewOn: view.viewOn, pipeline: view.pipeline },
    info: { readOnly: true },
  }));
  const entries = [...collections, ...views]
    .filter((entry) => filter.test(entry))
    .map((entry) => (command.nameOnly ? { name: entry.name, type: entry.type } : entry));
  return context.cursors.first(`${context.db}.$cmd.listCollections`, entries, undefined);
};

const listDatabases: CommandHandler = (command, context) => {
  const databases = context.databases.databaseNames().map((name) => ({ name, sizeOnDisk: 0, empty: false }));
  return command.nameOnly
    ? { databases: databases.map(({ name }) => ({ name })), ok: 1 }
    : { databases, totalSize: 0, ok: 1 };
};

const renameCollection: CommandHandler = (command, context) => {
  if (typeof command.renameCollection !== 'string' || typeof command.to !== 'string') {
    throw errors.typeMismatch("'renameCollection' and 'to' must be namespaces");
  }
  context.databases.rename(command.renameCollection, command.to, !!command.dropTarget, context.changes);
  return { ok: 1 };
};

const createIndexes: CommandHandler = (command, context) => {
  const specs = command.indexes as Document[];
  if (!Array.isArray(specs) || specs.length === 0)
    throw errors.badValue("'indexes' must be a non-empty array");
  const ns = nsOf(context, command.createIndexes);
  if (context.databases.view(ns))
    throw errors.commandNotSupportedOnView(`Cannot create indexes on a view: ${ns}`);
  const existed = !!context.databases.get(ns);
  const collection = context.databases.obtain(ns, context.changes);
  const before = collection.indexes.length;
  for (const raw of specs) {
    const key = raw.key as Document;
    if (!key || typeof key !== 'object' || Object.keys(key).length === 0)
      throw errors.badValue('index key pattern is required');
    const spec: IndexSpec = {
      name: (raw.name as string) ?? indexName(key),
      key,
      ...(raw.unique ? { unique: true } : {}),
      ...(raw.sparse ? { sparse: true } : {}),
    };
    const same = collection.indexes.find((index) => index.spec.name === spec.name);
    if (same) {
      if (
        JSON.stringify(same.spec.key) !== JSON.stringify(spec.key) ||
        !!same.spec.unique !== !!spec.unique
      ) {
        throw errors.indexOptionsConflict(
          `An existing index has the same name as the requested index: ${spec.name}`,
        );
      }
      continue;
    }
    collection.addIndex(spec);
  }
  context.databases.saveIndexes(collection, context.changes);
  return {
    numIndexesBefore: before,
    numIndexesAfter: collection.indexes.length,
    createdCollectionAutomatically: !existed,
    ok: 1,
  };
};

const listIndexes: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.listIndexes);
  if (context.databases.view(ns)) throw errors.notACollection(ns);
  const collection = context.databases.get(ns);
  if (!collection) throw errors.namespaceNotFound(`ns does not exist: ${ns}`);
  const indexes = collection.indexSpecs.map((spec) => ({ v: 2, ...spec }));
  return context.cursors.first(ns, indexes, undefined);
};

const dropIndexes: CommandHandler = (command, context) => {
  const ns = nsOf(context, command.dropIndexes);
  if (context.databases.view(ns)) throw errors.notACollection(ns);
  const collection = context.databases.get(ns);
  if (!collection) throw errors.namespaceNotFound(`ns not found ${ns}`);
  const nIndexesWas = collection.indexes.length;
  const target = command.index;
  const names =
    target === '*'
      ? collection.indexes.slice(1).map((index) => index.spec.name)
      : Array.isArray(target)
        ? (target as string[])
        : typeof target === 'string'
          ? [target]
          : collection.indexes
              .filter((i) => JSON.stringify(i.spec.key) === JSON.stringify(target))
              .map((i) => i.spec.name);
  if (names.includes('_id_')) throw errors.invalidNamespace('cannot drop _id index');
  if (names.length === 0) throw errors.indexNotFound(`can't find index with key: ${JSON.stringify(target)}`);
  for (const name of names) collection.dropIndex(name);
  context.databases.saveIndexes(collection, context.changes);
  return { nIndexesWas, ok: 1 };
};

export const adminCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropdatabase: dropDatabase,
  listcollections: listCollections,
  listdatabases: listDatabases,
  renamecollection: renameCollection,
  createindexes: createIndexes,
  listindexes: listIndexes,
  dropindexes: dropIndexes,
};
