import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Db, MongoClient } from 'mongodb';
import { projections } from '../../projections';
import { useTestApp } from '../support/app';
import { signUp } from '../support/identity';
import { inDays, SCHEDULE } from '../support/meetup-operations';
import { waitFor } from '../support/read';

/** The built command line, as `npm run projections` runs it: `npm test` builds first. */
const CLI = join(__dirname, '../../dist/src/cli/projections.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('npm run projections', () => {
  const app = useTestApp();
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    mongo = await MongoClient.connect(app.stores.mongoUrl);
    db = mongo.db(app.stores.mongoDatabase);
  });
  afterAll(async () => {
    await mongo.close();
  });

  /** The command line with the app's own configuration: the same store URLs and database. */
  const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        {
          env: {
            ...process.env,
            EVENTSTORE_URL: app.stores.eventStoreUrl,
            MONGODB_URL: app.stores.mongoUrl,
            MONGODB_DATABASE: app.stores.mongoDatabase,
            ...env,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: stdout, stderr: stderr }),
      );
    });

  async function scheduleMeetups(count: number): Promise<string[]> {
    const organizer = await signUp(app, 'ORGANIZER');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await app.gql(
        SCHEDULE,
        {
          input: { title: `CLI ${i}`, description: '', city: 'Porto', startsAt: inDays(10 + i), capacity: 5 },
        },
        organizer.headers,
      );
      ids.push(response.data!.scheduleMeetup.id);
    }
    return ids;
  }

  it('lists every consumer as JSON, and as a table', async () => {
    await scheduleMeetups(1);
    const json = await cli(['status', '--json']);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const views = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(views.map((view) => view.name)).toEqual(
      expect.arrayContaining([
        ...projections.map((p) => `projection:${p.name}`),
        'reactor:notifications',
        'reactor:forgetting',
        'process:order-fulfilment',
      ]),
    );
    const catalog = views.find((view) => view.name === 'projection:meetup-catalog')!;
    expect(catalog).toMatchObject({
      kind: 'PROJECTION',
      version: expect.any(Number),
      holder: expect.any(String),
    });
    expect(['LIVE', 'CATCHING_UP']).toContain(catalog.state);
    expect(BigInt(catalog.checkpoint as string)).toBeGreaterThan(0n);

    const table = await cli(['status']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^CONSUMER\s+VERSION\s+STATE\s+CHECKPOINT\s+LAG/);
    expect(table.stdout).toContain('projection:meetup-catalog');
  });

  it('rebuilds a projection to the swap and prints a summary; the documents are the same', async () => {
    const ids = await scheduleMeetups(20);
    const catalog = db.collection('meetup_catalog');
    await waitFor(async () => (await catalog.countDocuments({ _id: { $in: ids } as never })) === ids.length);
    const before = await catalog.find({}).sort({ _id: 1 }).toArray();

    const run = await cli(['rebuild', 'meetup-catalog', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      projection: 'meetup-catalog',
      reason: 'requested',
      events: expect.any(Number),
    });
    expect(BigInt(summary.position)).toBeGreaterThan(0n);

    const registry = await db.collection('projection_registry').findOne({ _id: 'meetup-catalog' as never });
    expect(registry?.rebuild).toBeUndefined();
    expect(registry?.lastRebuild).toMatchObject({ reason: 'requested' });
    expect(await db.listCollections({ name: 'meetup_catalog__rebuild' }).toArray()).toEqual([]);
    expect(await catalog.find({}).sort({ _id: 1 }).toArray()).toEqual(before);
  });

  it('answers a mistake with one line on stderr and status 1', async () => {
    const registryBefore = await db.collection('projection_registry').find({}).toArray();
    for (const name of ['nope', 'reactor:notifications']) {
      const run = await cli(['rebuild', name]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`No projection is named ${name}`);
    }
    expect(await db.collection('projection_registry').find({}).toArray()).toEqual(registryBefore);

    const unreachable = await cli(['status'], {
      MONGODB_URL: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^Cannot reach MongoDB at .*Start the app first/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);

    const typo = await cli(['pause', 'users'], { MONGODB_DATABASE: 'no_app_ran_here' });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/database no_app_ran_here .*MONGODB_DATABASE/);
    expect((await mongo.db('no_app_ran_here').listCollections().toArray()).length).toBe(0);
  });

  it('says that a rebuild waits while its projection is paused', async () => {
    expect((await cli(['pause', 'orders'])).code).toBe(0);
    const child = spawn(process.execPath, [CLI, 'rebuild', 'orders'], {
      env: {
        ...process.env,
        EVENTSTORE_URL: app.stores.eventStoreUrl,
        MONGODB_URL: app.stores.mongoUrl,
        MONGODB_DATABASE: app.stores.mongoDatabase,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await waitFor(() => stderr.includes('is paused'), 15_000);
      expect(stderr).toContain('projection:orders is paused: the rebuild goes on once it is resumed');
    } finally {
      child.kill();
      expect((await cli(['resume', 'orders'])).code).toBe(0);
    }
    // Resumed, the rebuild asked for goes on and is swapped in.
    await waitFor(
      async () => !(await db.collection('projection_registry').findOne({ _id: 'orders' as never }))?.rebuild,
      15_000,
    );
  });

  it('pauses and resumes a projection', async () => {
    const paused = await cli(['pause', 'users', '--json']);
    expect(paused.code).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ name: 'projection:users', state: 'PAUSED' });
    const resumed = await cli(['resume', 'projection:users', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).state).not.toBe('PAUSED');
  });
});
