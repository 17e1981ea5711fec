import { randomUUID } from 'node:crypto';
import { Inject, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, ArgsType, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Db } from 'mongodb';
import { ACTIVE, ActiveUserDocument, usersProjection } from '../../../projections/users.projection';
import { aggregateIdFor } from '../../eventsourcing/event-store/deterministic-ids';
import { MONGO_DB } from '../../eventsourcing/tokens';
import { CommandResultType } from '../../graphql/command-result.type';
import { ConsistentWith } from '../../graphql/consistent-with';
import { ReadConsistency } from '../../graphql/read-consistency';
import { commandContext, actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { Authenticated, Public } from '../auth/auth.decorators';
import { LoginThrottlerGuard } from '../auth/login-throttler.guard';
import {
  ChangePasswordMessage,
  ForgetUserMessage,
  RegisterUserMessage,
  UserCommandMessage,
} from '../commands/identity.messages';
import { LoginService } from '../login.service';
import {
  ChangePasswordInput,
  ChangeProfileInput,
  ForgetUserInput,
  LogInInput,
  RegisterUserInput,
} from './identity.inputs';
import { SessionType, UserType } from './user.type';

@ArgsType()
class MeArgs {
  @ConsistentWith()
  consistentWith?: string;
}

/** Sign-up, log-in, the profile and forgetting a person. */
@Resolver(() => UserType)
export class IdentityResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly login: LoginService,
    private readonly consistency: ReadConsistency,
    @Inject(MONGO_DB) private readonly db: Db,
  ) {}

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Mutation(() => CommandResultType, {
    description: 'Signs up: the new user id is `id`. Each address can be registered once.',
  })
  async registerUser(
    @Args('input') { email, password, displayName, role, ...input }: RegisterUserInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const commandId = input.commandId ?? randomUUID();
    const result = await this.commandBus.execute(
      new RegisterUserMessage(
        { email, password, displayName, role },
        commandContext(request, { ...input, commandId }),
      ),
    );
    return CommandResultType.from(aggregateIdFor(commandId), result);
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Mutation(() => SessionType, { description: 'A session token for the address and password.' })
  logIn(@Args('input') { email, password, consistentWith }: LogInInput): Promise<SessionType> {
    return this.login.logIn(email, password, consistentWith);
  }

  @Mutation(() => CommandResultType, { description: 'Changes a display name.' })
  async changeProfile(
    @Args('input') { userId, displayName, ...input }: ChangeProfileInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const actor = actorOf(request);
    const command = { type: 'ChangeProfile' as const, userId: userId ?? actor.userId, displayName, actor };
    const result = await this.commandBus.execute(
      new UserCommandMessage(command, commandContext(request, input)),
    );
    return CommandResultType.from(command.userId, result);
  }

  @UseGuards(LoginThrottlerGuard)
  @Mutation(() => CommandResultType, { description: 'Changes your own password; needs the current one.' })
  async changePassword(
    @Args('input') { currentPassword, newPassword, ...input }: ChangePasswordInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const actor = actorOf(request);
    const result = await this.commandBus.execute(
      new ChangePasswordMessage(
        { userId: actor.userId, currentPassword, newPassword, actor },
        commandContext(request, input),
      ),
    );
    return CommandResultType.from(actor.userId, result);
  }

  @Mutation(() => CommandResultType, {
    description:
      'Forgets a person for good: their personal data becomes unreadable everywhere and their address ' +
      'free to register again. Yourself, or anyone for an admin.',
  })
  async forgetUser(
    @Args('input') { userId, ...input }: ForgetUserInput,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CommandResultType> {
    const actor = actorOf(request);
    const target = userId ?? actor.userId;
    const result = await this.commandBus.execute(
      new ForgetUserMessage({ userId: target, actor }, commandContext(request, input)),
    );
    return CommandResultType.from(target, result);
  }

  @Authenticated()
  @Query(() => UserType, { nullable: true, description: 'The user the session token names.' })
  async me(
    @Args() { consistentWith }: MeArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<UserType | null> {
    await this.consistency.waitFor(usersProjection.name, consistentWith);
    const user = await this.db
      .collection<ActiveUserDocument>(usersProjection.collection)
      .findOne({ _id: actorOf(request).userId, ...ACTIVE }, { projection: { passwordHash: 0 } });
    return user ? UserType.from(user) : null;
  }
}

/** The guard has checked the token of every operation that needs one. */
