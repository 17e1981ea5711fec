import { openStores, startTestApp, TestApp, TestStores } from '../support/app';
import { signUp, TestUser } from '../support/identity';

const SCHEDULE = `mutation { scheduleMeetup(input: { title: "Split roles", city: "Coimbra",
  startsAt: "2040-01-01T18:00:00Z", capacity: 5 }) { id position } }`;
const MEETUP = `query Meetup($id: ID!, $at: String) { meetup(id: $id, consistentWith: $at) { id title } }`;

describe('an API process beside a separate worker process', () => {
  let stores: TestStores;
  let api: TestApp;
  let worker: TestApp;
  let organiser: TestUser;
  beforeAll(async () => {
    stores = await openStores();
    worker = await startTestApp(stores, { ROLE: 'worker' });
    api = await startTestApp(stores, { ROLE: 'api', CONSISTENCY_TIMEOUT_MS: '1500' });
    // Signing up logs in through the log-in look-up the worker keeps.
    organiser = await signUp(api);
  });
  const schedule = async () => {
    const response = await api.gql(SCHEDULE, {}, organiser.headers);
    expect(response.errors).toBeUndefined();
    return response.data!.scheduleMeetup;
  };
  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await stores?.close();
  });

  it("reads its own writes through the worker's durable checkpoint, for many waiting queries at once", async () => {
    const scheduled = await schedule();
    const reads = await Promise.all(
      Array.from({ length: 50 }, () => api.gql(MEETUP, { id: scheduled.id, at: scheduled.position })),
    );
    for (const read of reads) {
      expect(read.errors).toBeUndefined();
      expect(read.data!.meetup).toEqual({ id: scheduled.id, title: 'Split roles' });
    }
  });

  it('answers STALE_READ when the worker has not reached the position in time', async () => {
    const scheduled = await schedule();
    const far = String(BigInt(scheduled.position) + 1_000_000n);
    const read = await api.gql(MEETUP, { id: scheduled.id, at: far });
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['STALE_READ']);
  });
});
