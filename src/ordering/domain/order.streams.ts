/** An order's own stream. */
export const orderStreamId = (orderId: string): string => `order-${orderId}`;
