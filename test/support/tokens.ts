import { createHmac } from 'node:crypto';

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT made by hand, so tests can make the ones the server must refuse. */
export function craftToken(
  payload: Record<string, unknown>,
  { secret, alg = 'HS256' }: { secret?: string; alg?: string } = {},
): string {
  const unsigned = `${part({ alg, typ: 'JWT' })}.${part(payload)}`;
  if (!secret) return `${unsigned}.`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] ?? 'sha256';
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
