import { Collection, Db, Filter } from 'mongodb';
import { AuditIndexDocument, auditIndexProjection } from '../../../projections/audit-index.projection';
import { storedPosition } from '../event-store/stored-position';
import { RecordedDomainEvent } from '../event-store/event-metadata';

export interface ActivityQuery {
  userId: string;
  from?: Date;
  to?: Date;
  /** Only events before this position: the last one of the page before. */
  before?: bigint;
  limit: number;
}

export interface IndexQuery {
  after?: bigint;
  types?: string[];
  correlationId?: string;
  limit: number;
}

/** Lookups in the audit index, each by one of its indexes, in `$all` order: events as stored. */
export class AuditIndexReader {
  private readonly collection: Collection<AuditIndexDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AuditIndexDocument>(auditIndexProjection.collection);
  }

  /** The events of one flow, oldest first, at most `limit`. */
  correlation(correlationId: string, limit: number): Promise<RecordedDomainEvent[]> {
    return this.find({ correlationId }, 1, limit);
  }

  /** What a user did, newest first. */
  activity({ userId, from, to, before, limit }: ActivityQuery): Promise<RecordedDomainEvent[]> {
    const filter: Filter<AuditIndexDocument> = { userId };
    if (from || to) filter.recordedAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) };
    if (before !== undefined) filter._position = { $lt: storedPosition(before) };
    return this.find(filter, -1, limit);
  }

  /** Events across all streams, oldest first, by type and correlation id. */
  events({ after, types, correlationId, limit }: IndexQuery): Promise<RecordedDomainEvent[]> {
    const filter: Filter<AuditIndexDocument> = {};
    if (correlationId) filter.correlationId = correlationId;
    if (types?.length) filter.type = types.length === 1 ? types[0] : { $in: types };
    if (after !== undefined) filter._position = { $gt: storedPosition(after) };
    return this.find(filter, 1, limit);
  }

  /** The events found, as stored: their personal data still encrypted. */
  private async find(
    filter: Filter<AuditIndexDocument>,
    order: 1 | -1,
    limit: number,
  ): Promise<RecordedDomainEvent[]> {
    const documents = await this.collection.find(filter).sort({ _position: order }).limit(limit).toArray();
    return documents.map((doc) => ({
      eventId: doc._id,
      streamId: doc.streamId,
      type: doc.type,
      revision: BigInt(doc.revision),
      position: BigInt(doc._position!),
      recordedAt: doc.recordedAt,
      data: doc.data,
      metadata: doc.metadata,
    }));
  }

  /** Who appended the first event of each of these streams, as far as the index has them. */
  async creators(streamIds: Iterable<string>): Promise<Map<string, string | null>> {
    const streams = [...new Set(streamIds)];
    const firsts = await this.collection
      .find({ streamId: { $in: streams }, revision: 0 }, { projection: { streamId: 1, userId: 1 } })
      .toArray();
    return new Map(firsts.map((doc) => [doc.streamId, doc.userId]));
  }
}
