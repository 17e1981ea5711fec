import { Inject, Injectable } from '@nestjs/common';
import { Db, Filter } from 'mongodb';
import {
  MeetupCatalogDocument,
  meetupCatalogProjection,
} from '../../../projections/meetup-catalog.projection';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
import { MeetupsFilter } from './meetup.inputs';
import { MeetupConnection, MeetupStatusEnum, MeetupType } from './meetup.type';

/** Reads meetups from their read model: the fast path, never the event store. */
@Injectable()
export class MeetupCatalogReader {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get collection() {
    return this.db.collection<MeetupCatalogDocument>(meetupCatalogProjection.collection);
  }

  async byId(id: string): Promise<MeetupType | null> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? toMeetup(doc) : null;
  }

  /** A page sorted by start time (then id), after an opaque cursor. */
  async list(filter: MeetupsFilter, first: number, after?: string): Promise<MeetupConnection> {
    const query: Filter<MeetupCatalogDocument> = {};
    if (filter.status) query.status = filter.status;
    if (filter.city) query.city = filter.city;
    if (filter.startsAfter || filter.startsBefore) {
      query.startsAt = {
        ...(filter.startsAfter ? { $gt: filter.startsAfter } : {}),
        ...(filter.startsBefore ? { $lt: filter.startsBefore } : {}),
      };
    }
    const cursor = after == null ? undefined : decodeCursor(after);
    const page = cursor
      ? {
          $and: [
            query,
            {
              $or: [
                { startsAt: { $gt: cursor.startsAt } },
                { startsAt: cursor.startsAt, _id: { $gt: cursor.id } },
              ],
            },
          ],
        }
      : query;
    const docs = await this.collection
      .find(page)
      .sort({ startsAt: 1, _id: 1 })
      .limit(first + 1)
      .toArray();
    const edges = docs
      .slice(0, first)
      .map((doc) => ({ cursor: encodeCursor(doc.startsAt, doc._id), node: toMeetup(doc) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: docs.length > first,
        endCursor: edges.length ? edges[edges.length - 1].cursor : null,
      },
    };
  }
}

function toMeetup(doc: MeetupCatalogDocument): MeetupType {
  return {
    id: doc._id,
    title: doc.title,
    description: doc.description,
    city: doc.city,
    startsAt: doc.startsAt,
    capacity: doc.capacity,
    status: doc.status as MeetupStatusEnum,
    revision: doc.revision,
  };
}

const encodeCursor = (startsAt: Date, id: string): string =>
  Buffer.from(JSON.stringify([startsAt.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): { startsAt: Date; id: string } {
  try {
    const [startsAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(typeof startsAt === 'string' ? startsAt : Number.NaN);
    if (typeof id !== 'string' || !MEETUP_ID.test(id)) throw new Error();
    // Only what encodeCursor writes, byte for byte: base64url decoding skips what it cannot read.
    if (Number.isNaN(date.getTime()) || encodeCursor(date, id) !== cursor) throw new Error();
    return { startsAt: date, id };
  } catch {
    throw new InvalidInputError([{ field: 'after', problems: ['after must be a cursor this API gave out'] }]);
  }
}

const MEETUP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
