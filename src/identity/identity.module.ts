import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../eventsourcing/tokens';
import { AdminAccount } from './admin-account';
import { AuthGuard } from './auth/auth.guard';
import { attemptSubjectOf, LOGIN_PER_ADDRESS, LOGIN_PER_CLIENT } from './auth/login-throttler.guard';
import { SESSION_ALGORITHM, SessionTokens } from './auth/session-tokens';
import { ChangePasswordHandler } from './commands/change-password.handler';
import { ForgetUserHandler } from './commands/forget-user.handler';
import { RegisterUserHandler } from './commands/register-user.handler';
import { UserCommandHandler } from './commands/user-command.handler';
import { EmailKeys } from './email-address';
import { IdentityResolver } from './graphql/identity.resolver';
import { ForgettingModule } from './forgetting/forgetting.module';
import { LoginService } from './login.service';

const configured = { inject: [APP_CONFIG] };

@Module({
  imports: [
    CqrsModule,
    ForgettingModule,
    JwtModule.registerAsync({
      ...configured,
      useFactory: (config: AppConfig) => ({
        // A key object, not the string: the library would otherwise try it as a public key first
        // on every token it checks, which costs more than the check itself.
        secret: createSecretKey(Buffer.from(secret(config.jwtSecret, 'JWT_SECRET'))),
        signOptions: { algorithm: SESSION_ALGORITHM, expiresIn: config.sessionTtlSeconds },
        verifyOptions: { algorithms: [SESSION_ALGORITHM] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      ...configured,
      useFactory: (config: AppConfig) => {
        const window = config.loginWindowSeconds * 1000;
        return [
          {
            name: LOGIN_PER_ADDRESS,
            ttl: window,
            limit: config.loginAttemptsPerAddress,
            getTracker: (_request, context) => attemptSubjectOf(context),
          },
          { name: LOGIN_PER_CLIENT, ttl: window, limit: config.loginAttemptsPerClient },
        ];
      },
    }),
  ],
  providers: [
    {
      provide: EmailKeys,
      ...configured,
      useFactory: (config: AppConfig) => new EmailKeys(secret(config.hashKey, 'HASH_KEY')),
    },
    SessionTokens,
    { provide: APP_GUARD, useClass: AuthGuard },
    LoginService,
    RegisterUserHandler,
    ChangePasswordHandler,
    ForgetUserHandler,
    UserCommandHandler,
    IdentityResolver,
    AdminAccount,
  ],
  exports: [SessionTokens],
})
export class IdentityModule {}

function secret(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
