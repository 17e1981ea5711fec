import { isLowerCaseUuid } from '../../graphql/uuid';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PersonalDataKeys } from '../../eventsourcing/personal-data/personal-data-keys';
import { Actor, ROLES } from '../domain/role';
import { unauthenticated } from './auth.errors';

/** The only algorithm tokens are signed with and accepted in. */
export const SESSION_ALGORITHM = 'HS256';

/** Signed session tokens (JWT): `sub` is the user id, `role` their role; `exp` is always checked. */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: PersonalDataKeys,
  ) {}

  async issue(actor: Actor): Promise<{ token: string; expiresAt: Date }> {
    const token = await this.jwt.signAsync({ sub: actor.userId, role: actor.role });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The actor an `Authorization: Bearer` header names; refuses anything else, and forgotten users. */
  async verify(authorization: string): Promise<Actor> {
    // The scheme's name is case-insensitive (RFC 9110).
    const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header is not a bearer token.');
    let payload: { sub?: unknown; role?: unknown; exp?: unknown };
    try {
      payload = await this.jwt.verifyAsync(match[1], { algorithms: [SESSION_ALGORITHM] });
    } catch {
      throw unauthenticated('The session token is invalid or expired.');
    }
    const { sub, role, exp } = payload;
    // A token without an expiry would never expire: refused, though only the secret could make one.
    if (
      typeof exp !== 'number' ||
      typeof sub !== 'string' ||
      !isLowerCaseUuid(sub) ||
      !ROLES.includes(role as Actor['role'])
    ) {
      throw unauthenticated('The session token is invalid or expired.');
    }
    if (await this.keys.isForgotten(sub)) throw unauthenticated('The session token is invalid or expired.');
    return { userId: sub, role: role as Actor['role'] };
  }
}
