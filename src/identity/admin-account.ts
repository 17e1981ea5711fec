import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { v5 as uuidV5 } from 'uuid';
import { AppConfig } from '../config/app-config';
import { CodedError } from '../eventsourcing/deciders/coded-error';
import { APP_CONFIG } from '../eventsourcing/tokens';
import { RegisterUserMessage } from './commands/identity.messages';
import { EmailKeys } from './email-address';

const ADMIN_NAMESPACE = '9d0c3f4e-2a51-4c8e-b7f6-0e5d1a2b3c4d';

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD set, an ADMIN with that address exists after boot. The
 * command id comes from the address, so every boot sends the same command: it registers once.
 */
@Injectable()
export class AdminAccount implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commandBus: CommandBus,
    private readonly emailKeys: EmailKeys,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail: email, adminPassword: password } = this.config;
    if (!email || !password) return;
    const commandId = uuidV5(`admin/${this.emailKeys.keyOf(email)}`, ADMIN_NAMESPACE);
    const context = { commandId, correlationId: commandId, causationId: commandId };
    try {
      await this.commandBus.execute(
        new RegisterUserMessage({ email, password, displayName: 'Administrator', role: 'ADMIN' }, context),
      );
    } catch (error) {
      // The address is someone else's, or the admin was made with another password: leave it be.
      if (!(error instanceof CodedError)) throw error;
      this.logger.warn(`ADMIN_EMAIL: no admin created (${error.code}: ${error.message})`);
    }
  }
}
