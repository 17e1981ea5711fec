import { DomainError } from '../../eventsourcing/deciders/domain-error';

export const orderNotFound = (orderId: string) =>
  new DomainError('ORDER_NOT_FOUND', `Order ${orderId} does not exist.`, { orderId });
export const orderAlreadyExists = (orderId: string) =>
  new DomainError('ORDER_ALREADY_EXISTS', `Order ${orderId} already exists.`, { orderId });
export const orderConfirmed = (orderId: string) =>
  new DomainError('ORDER_CONFIRMED', `Order ${orderId} is confirmed: it can no longer be cancelled.`, {
    orderId,
  });
export const notYourOrder = () => new DomainError('FORBIDDEN', 'You may not act on another buyer’s order.');
