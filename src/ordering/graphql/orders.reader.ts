import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { OrderDocument, ordersProjection } from '../../../projections/orders.projection';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { keysetPage } from '../../graphql/keyset-page';
import { Actor, isAdmin } from '../../identity/domain/role';
import { OrderConnection, OrderType } from './order.type';

/** Reads orders from their read model; each is shown to its buyer and to admins only. */
@Injectable()
export class OrdersReader {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get collection() {
    return this.db.collection<OrderDocument>(ordersProjection.collection);
  }

  async byId(id: string, actor: Actor): Promise<OrderType | null> {
    const doc = await this.collection.findOne({ _id: id });
    return doc && (doc.buyerId === actor.userId || isAdmin(actor)) ? OrderType.from(doc) : null;
  }

  /** The actor's orders, newest first. */
  mine(actor: Actor, first: number, after?: string): Promise<OrderConnection> {
    return keysetPage(this.collection, {
      query: { buyerId: actor.userId },
      field: 'placedAt',
      order: -1,
      first,
      after,
      toNode: OrderType.from,
    });
  }
}
