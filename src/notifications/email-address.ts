/** One spelling per address: trimmed, NFKC-normalised and in lower case. */
export const normaliseAddress = (address: string): string => address.trim().normalize('NFKC').toLowerCase();
