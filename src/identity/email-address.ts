import { createHmac } from 'node:crypto';

/** An address as it is compared: trimmed, NFKC-normalised and in lower case. */
export const normaliseEmail = (email: string): string => email.trim().normalize('NFKC').toLowerCase();

/**
 * The keyed hash that stands for an address wherever the address itself must not appear: in
 * the name of its reservation stream and in the log-in look-up. Without the key it says nothing.
 */
export class EmailKeys {
  constructor(private readonly hashKey: string) {}

  keyOf(email: string): string {
    // Lower case writes a final sigma apart (ΑΣ → ας, ασ): one address either way.
    const folded = normaliseEmail(email).replace(/ς/g, 'σ');
    return createHmac('sha256', this.hashKey).update(folded).digest('hex');
  }
}
