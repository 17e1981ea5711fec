import { createHash } from 'node:crypto';
import argon2 from 'argon2';

/** OWASP's recommended argon2id parameters: 19 MiB of memory, 2 passes, 1 lane. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * The password's hash. The salt is derived from the command that sets the password (a random
 * UUID, never used for anything else), so a retried command hashes to the same value.
 */
export function hashPassword(password: string, commandId: string): Promise<string> {
  const salt = createHash('sha256').update(`password-salt/${commandId}`).digest().subarray(0, 16);
  return argon2.hash(password, { ...OPTIONS, salt });
}

/** A hash of no one's password: checking against it takes as long as checking a real one. */
let decoy: Promise<string> | undefined;

/** True when `password` is the one `hash` was made from; as slow for no hash as for a wrong one. */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    decoy ??= argon2.hash('decoy password', OPTIONS);
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
