import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../duplicate-key';

export const PROJECTION_REGISTRY = 'projection_registry';

/** Why a projection is being built again. */
export type RebuildReason = 'requested' | 'new-version';

export interface RebuildRecord {
  /** The projection version the new read model is built with. */
  version: number;
  reason: RebuildReason;
  requestedAt: Date;
  /** Set once the new collection has been emptied and its build started. */
  startedAt?: Date;
  /** Set once the swap has begun: from then on it is carried through, whatever happens. */
  swapStartedAt?: Date;
}

/** The last rebuild swapped in. */
export interface FinishedRebuild extends RebuildRecord {
  finishedAt: Date;
  /** The position it was swapped in at (decimal), -1 for an empty store. */
  position: string;
  /** Events passed by the run that finished it (since its last takeover, if it was taken over). */
  events: number;
}

/** What the system knows of one projection's read model, whichever process runs it. */
export interface ProjectionRecord {
  /** The projection's name. */
  _id: string;
  /** The version of the documents queries read; absent before a first build is swapped in. */
  version?: number;
  paused?: boolean;
  rebuild?: RebuildRecord;
  lastRebuild?: FinishedRebuild;
}

/**
 * The projections' registry in MongoDB (`projection_registry`): which version each read model
 * holds, whether it is paused, and the blue/green rebuild under way. Any process may ask for a
 * rebuild or a pause; the process holding the projection's lease carries it out.
 */
export class ProjectionRegistry {
  readonly collection: Collection<ProjectionRecord>;

  constructor(db: Db) {
    this.collection = db.collection<ProjectionRecord>(PROJECTION_REGISTRY);
  }

  async get(name: string): Promise<ProjectionRecord> {
    return (await this.collection.findOne({ _id: name })) ?? { _id: name };
  }

  async all(): Promise<ProjectionRecord[]> {
    return this.collection.find({}).toArray();
  }

  /**
   * Asks for a rebuild with `version`, unless one with that version is under way already (its
   * record is answered). One with another version is replaced: it starts again from the start.
   */
  async requestRebuild(name: string, version: number, reason: RebuildReason): Promise<ProjectionRecord> {
    const rebuild: RebuildRecord = { version, reason, requestedAt: new Date() };
    try {
      await this.collection.updateOne(
        { _id: name, 'rebuild.version': { $ne: version } },
        { $set: { rebuild } },
        { upsert: true },
      );
    } catch (error) {
      // The same rebuild, asked for by another process at the same time.
      if (!isDuplicateKey(error)) throw error;
    }
    return this.get(name);
  }

  async rebuildStarted(name: string, version: number): Promise<void> {
    await this.collection.updateOne(
      { _id: name, 'rebuild.version': version },
      { $set: { 'rebuild.startedAt': new Date() } },
    );
  }

  async swapping(name: string, version: number): Promise<void> {
    await this.collection.updateOne(
      { _id: name, 'rebuild.version': version },
      { $set: { 'rebuild.swapStartedAt': new Date() } },
    );
  }

  /** The rebuilt read model is the one queries read now. */
  async swapped(
    name: string,
    rebuild: RebuildRecord,
    outcome: Pick<FinishedRebuild, 'finishedAt' | 'position' | 'events'>,
  ): Promise<void> {
    const { swapStartedAt: _, ...record } = rebuild;
    await this.collection.updateOne(
      { _id: name, 'rebuild.version': rebuild.version },
      { $set: { version: rebuild.version, lastRebuild: { ...record, ...outcome } }, $unset: { rebuild: '' } },
    );
  }

  async setPaused(name: string, paused: boolean): Promise<void> {
    await this.collection.updateOne({ _id: name }, { $set: { paused } }, { upsert: true });
  }
}
