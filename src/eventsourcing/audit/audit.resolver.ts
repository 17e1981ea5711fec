import { Args, Context, Query, Resolver } from '@nestjs/graphql';
import { InvalidInputError } from '../../graphql/graphql-error.filter';
import { ReadConsistency } from '../../graphql/read-consistency';
import { actorOf, GraphQLRequestContext } from '../../graphql/request-context';
import { AdminOnly, Authenticated } from '../../identity/auth/auth.decorators';
import { forbidden, isAdmin } from '../../identity/domain/role';
import { auditIndexProjection } from '../../../projections/audit-index.projection';
import {
  AuditEventsArgs,
  CorrelationTrailArgs,
  isPosition,
  StreamHistoryArgs,
  StreamStateAtArgs,
  UserActivityArgs,
} from './audit.args';
import { AuditService } from './audit.service';
import { CorrelationTrailType, RecordedEventConnection, StreamStateType } from './audit-views.type';
import { RecordedEventType } from './recorded-event.type';

/** The audit trail: what happened, when, who did it and what caused it. */
@Resolver(() => RecordedEventType)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    private readonly consistency: ReadConsistency,
  ) {}

  @Authenticated()
  @Query(() => [RecordedEventType], {
    description:
      'The events of one stream, oldest first: for admins, and for users on the streams they started.',
  })
  async streamHistory(
    @Args() args: StreamHistoryArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<RecordedEventType[]> {
    await this.mayReadStream(request, args.streamId);
    const events = await this.audit.streamHistory(args.streamId, BigInt(args.fromRevision), args.limit);
    return events.map(RecordedEventType.from);
  }

  @AdminOnly()
  @Query(() => [RecordedEventType], {
    description: 'Events across all streams, oldest first, filtered by type and correlation id (admins).',
  })
  async auditEvents(@Args() args: AuditEventsArgs): Promise<RecordedEventType[]> {
    await this.consistency.waitFor(auditIndexProjection.name, args.consistentWith);
    const events = await this.audit.auditEvents({
      after: args.after == null ? undefined : BigInt(args.after),
      types: args.types,
      correlationId: args.correlationId,
      limit: args.limit,
    });
    return events.map(RecordedEventType.from);
  }

  @Authenticated()
  @Query(() => CorrelationTrailType, {
    description:
      'Every event of one business flow across streams, in order, with its causation tree: for admins; ' +
      'users see the events of it on the streams they started.',
  })
  async correlationTrail(
    @Args() args: CorrelationTrailArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<CorrelationTrailType> {
    const actor = actorOf(request);
    await this.consistency.waitFor(auditIndexProjection.name, args.consistentWith);
    const trail = await this.audit.correlationTrail(
      args.correlationId,
      isAdmin(actor) ? undefined : actor.userId,
    );
    return { ...trail, events: trail.events.map(RecordedEventType.from) };
  }

  @Authenticated()
  @Query(() => StreamStateType, {
    description:
      "A stream's state after a revision, or as of a moment, folded by its own decider, with the events " +
      'that led there: for admins, and for users on the streams they started.',
  })
  async streamStateAt(
    @Args() args: StreamStateAtArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<StreamStateType> {
    if ((args.revision == null) === (args.at == null)) {
      throw new InvalidInputError([
        { field: 'revision', problems: ['give either revision or at, not both'] },
      ]);
    }
    await this.mayReadStream(request, args.streamId);
    const until = args.revision != null ? { revision: BigInt(args.revision) } : { at: args.at! };
    const found = await this.audit.streamStateAt(args.streamId, until);
    return { ...found, revision: Number(found.revision), events: found.events.map(RecordedEventType.from) };
  }

  @Authenticated()
  @Query(() => RecordedEventConnection, {
    description:
      'What a user did, newest first: for admins, and for users on their own activity on the streams they started.',
  })
  async userActivity(
    @Args() args: UserActivityArgs,
    @Context('request') request: GraphQLRequestContext,
  ): Promise<RecordedEventConnection> {
    const actor = actorOf(request);
    if (!isAdmin(actor) && actor.userId !== args.userId) throw forbidden("read another user's activity");
    if (args.after != null && !isPosition(args.after)) {
      throw new InvalidInputError([
        { field: 'after', problems: ['after must be a cursor this API gave out'] },
      ]);
    }
    await this.consistency.waitFor(auditIndexProjection.name, args.consistentWith);
    const { events, hasNextPage, endCursor } = await this.audit.userActivity(
      {
        userId: args.userId,
        from: args.from,
        to: args.to,
        before: args.after == null ? undefined : BigInt(args.after),
        limit: args.first,
      },
      isAdmin(actor) ? undefined : actor.userId,
    );
    const edges = events.map((event) => ({
      cursor: String(event.position),
      node: RecordedEventType.from(event),
    }));
    return { edges, pageInfo: { hasNextPage, endCursor } };
  }

  private async mayReadStream(request: GraphQLRequestContext, streamId: string): Promise<void> {
    const actor = actorOf(request);
    if (!isAdmin(actor) && (await this.audit.creatorOf(streamId)) !== actor.userId) {
      throw forbidden("read another user's stream");
    }
  }
}
