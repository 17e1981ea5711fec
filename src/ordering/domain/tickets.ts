import { v5 as uuidV5 } from 'uuid';

const TICKET_NAMESPACE = '2f0c1b7e-8a4d-4c3b-9e6f-5d2a1c0b9e8f';
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** The codes of an order's tickets: derived from the order, so a retried confirmation gives the same. */
export function ticketCodes(orderId: string, quantity: number): string[] {
  return Array.from({ length: quantity }, (_, seat) => {
    const bytes = Buffer.from(uuidV5(`${orderId}/${seat}`, TICKET_NAMESPACE).replace(/-/g, ''), 'hex');
    const code = [...bytes.subarray(0, 10)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}
