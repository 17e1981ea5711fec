import { Inject, Injectable } from '@nestjs/common';
import { Db, Filter } from 'mongodb';
import {
  MeetupCatalogDocument,
  meetupCatalogProjection,
} from '../../../projections/meetup-catalog.projection';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { keysetPage } from '../../graphql/keyset-page';
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
    return keysetPage(this.collection, {
      query,
      field: 'startsAt',
      order: 1,
      first,
      after,
      toNode: toMeetup,
    });
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
    seatsAvailable: doc.capacity - doc.seatsTaken,
    ticketPriceCents: doc.ticketPriceCents,
    status: doc.status as MeetupStatusEnum,
    revision: doc.revision,
  };
}
