import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../config/app-config';
import { CodedError } from '../eventsourcing/deciders/coded-error';
import { EventSourcedRepository } from '../eventsourcing/deciders/event-sourced-repository';
import { APP_CONFIG } from '../eventsourcing/tokens';
import { RegisterUserMessage } from './commands/identity.messages';
import { emailReservationDecider } from './domain/email-reservation.decider';
import { userDecider } from './domain/user.decider';
import { emailReservationStreamId, userStreamId } from './domain/user.streams';
import { EmailKeys } from './email-address';

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD set, an ADMIN with that address exists after boot: made
 * when the address is free (also once the admin was forgotten), left as it is when an admin
 * holds it, and reported when anyone else does.
 */
@Injectable()
export class AdminAccount implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commandBus: CommandBus,
    private readonly repository: EventSourcedRepository,
    private readonly emailKeys: EmailKeys,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail: email, adminPassword: password } = this.config;
    if (!email || !password) return;
    if ((await this.holder(email)) === 'ADMIN') return;
    const commandId = randomUUID();
    const context = { commandId, correlationId: commandId, causationId: commandId };
    try {
      await this.commandBus.execute(
        new RegisterUserMessage({ email, password, displayName: 'Administrator', role: 'ADMIN' }, context),
      );
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      // Another process may have made the admin meanwhile; anyone else holding the address is news.
      if ((await this.holder(email)) === 'ADMIN') return;
      this.logger.warn(`ADMIN_EMAIL: no admin created (${error.code}: ${error.message})`);
    }
  }

  /** The role of the user holding the address, if any. */
  private async holder(email: string): Promise<string | undefined> {
    const reservation = emailReservationStreamId(this.emailKeys.keyOf(email));
    const { holder } = (await this.repository.read(reservation, emailReservationDecider)).state;
    if (!holder) return undefined;
    const { state } = await this.repository.read(userStreamId(holder), userDecider);
    return state.status === 'ACTIVE' ? state.role : undefined;
  }
}
