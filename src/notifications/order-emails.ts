import type { CancellationReason } from '../ordering/domain/order.events';

const FOOTER = ['', 'Your orders are listed under myOrders in Meetups.', ''];

/** The e-mail a buyer gets once their order is confirmed: their ticket codes. */
export function confirmationEmail(orderId: string, tickets: string[]): { subject: string; text: string } {
  return {
    subject: 'Your tickets',
    text: [
      'Hello,',
      '',
      `Your order ${orderId} is confirmed. Your tickets:`,
      '',
      ...tickets.map((code) => `  ${code}`),
      ...FOOTER,
    ].join('\n'),
  };
}

const WHY: Record<CancellationReason, string> = {
  SOLD_OUT: 'the meetup was sold out',
  PAYMENT_DECLINED: 'the payment was declined',
  PAYMENT_TIMEOUT: 'the payment provider did not answer in time',
  EXPIRED: 'it was not paid in time',
  MEETUP_CANCELLED: 'the meetup was cancelled',
  CANCELLED_BY_BUYER: 'you cancelled it',
};

/** The e-mail a buyer gets when their order ends without tickets, or loses them. */
export function cancellationEmail(
  orderId: string,
  reason: CancellationReason,
  refunded: boolean,
): { subject: string; text: string } {
  return {
    subject: 'Your order is cancelled',
    text: [
      'Hello,',
      '',
      `Your order ${orderId} is cancelled: ${WHY[reason]}.`,
      ...(refunded ? ['Your tickets are void, and your payment is being refunded.'] : []),
      ...FOOTER,
    ].join('\n'),
  };
}
