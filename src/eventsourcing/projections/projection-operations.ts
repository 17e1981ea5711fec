import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerOverview, ConsumerView } from './consumer-overview';
import { AnyProjection } from './projection-definition';
import { ProjectionRegistry } from './projection-registry';
import { projectionConsumer } from './projection-runner';
import { unknownProjection } from './projection.errors';

/** How long pausing or resuming waits for the process running the projection to do it. */
const SETTLE_MS = 5000;
const SETTLE_POLL_MS = 100;

/**
 * What an operator does to a projection, from any process (an API, the command line): each is a
 * request recorded in the registry, carried out by the worker holding the projection's lease.
 */
export class ProjectionOperations {
  constructor(
    private readonly registry: ProjectionRegistry,
    private readonly overview: ConsumerOverview,
    private readonly definitions: AnyProjection[],
    /** Tells a projection running in this process to act at once rather than at its next poll. */
    private readonly nudge: (projection: string) => void = () => undefined,
  ) {}

  /** Accepts a projection's name (`meetup-catalog`) or its consumer's (`projection:meetup-catalog`). */
  definition(name: string): AnyProjection {
    const definition = this.definitions.find((d) => d.name === name || projectionConsumer(d.name) === name);
    if (!definition)
      throw unknownProjection(
        name,
        this.definitions.map((d) => d.name),
      );
    return definition;
  }

  /**
   * Starts a blue/green rebuild, unless one is under way (that one goes on). Answers once the
   * projection's holder has taken it up, or after `SETTLE_MS`.
   */
  async rebuild(name: string): Promise<ConsumerView> {
    const definition = this.definition(name);
    await this.registry.requestRebuild(definition.name, definition.version, 'requested');
    // A small store may be rebuilt and swapped in before the first look.
    return this.settle(
      definition,
      async (view) =>
        ['REBUILDING', 'PAUSED', 'FAILED'].includes(view.state) ||
        !(await this.registry.get(definition.name)).rebuild,
    );
  }

  async pause(name: string): Promise<ConsumerView> {
    const definition = this.definition(name);
    await this.registry.setPaused(definition.name, true);
    return this.settle(definition, (view) => view.state === 'PAUSED');
  }

  async resume(name: string): Promise<ConsumerView> {
    const definition = this.definition(name);
    await this.registry.setPaused(definition.name, false);
    return this.settle(definition, (view) => view.state !== 'PAUSED');
  }

  /** The projection's status once `done` says so, nobody runs it, or time is up. */
  private async settle(
    definition: AnyProjection,
    done: (view: ConsumerView) => boolean | Promise<boolean>,
  ): Promise<ConsumerView> {
    this.nudge(definition.name);
    const name = projectionConsumer(definition.name);
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const view = (await this.overview.one(name))!;
      if (view.state === 'STOPPED' || Date.now() >= deadline || (await done(view))) return view;
      await sleep(SETTLE_POLL_MS);
    }
  }
}
