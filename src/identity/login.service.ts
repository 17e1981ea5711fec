import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { ACTIVE, ActiveUserDocument, usersProjection } from '../../projections/users.projection';
import { MONGO_DB } from '../eventsourcing/tokens';
import { ReadConsistency } from '../graphql/read-consistency';
import { invalidCredentials } from './auth/auth.errors';
import { SessionTokens } from './auth/session-tokens';
import { EmailKeys } from './email-address';
import { SessionType, UserType } from './graphql/user.type';
import { verifyPassword } from './passwords';

/** Log-in is synchronous: the address's keyed hash finds the user, the password is checked, a token issued. */
@Injectable()
export class LoginService {
  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly emailKeys: EmailKeys,
    private readonly sessions: SessionTokens,
    private readonly consistency: ReadConsistency,
  ) {}

  async logIn(email: string, password: string, consistentWith?: string): Promise<SessionType> {
    await this.consistency.waitFor(usersProjection.name, consistentWith);
    const user = await this.db
      .collection<ActiveUserDocument>(usersProjection.collection)
      .findOne({ emailKey: this.emailKeys.keyOf(email), ...ACTIVE });
    // Checked even when no one has the address, so that both failures take the same time.
    const matches = await verifyPassword(user?.passwordHash, password);
    if (!user || !matches) throw invalidCredentials();
    const session = await this.sessions.issue({ userId: user._id, role: user.role });
    return Object.assign(new SessionType(), { ...session, user: UserType.from(user) });
  }
}
