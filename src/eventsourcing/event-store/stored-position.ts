/**
 * An `$all` position as MongoDB keeps it, in read models and checkpoints alike: 20 decimal
 * digits, so that text order is numeric order and nothing is rounded.
 */
export const storedPosition = (position: bigint): string => position.toString().padStart(20, '0');
