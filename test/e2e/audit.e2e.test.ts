import { randomUUID } from 'node:crypto';
import { useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin, signUp, TestUser } from '../support/identity';

const HISTORY = `query History($streamId: String!) { streamHistory(streamId: $streamId) { type } }`;
const AUDIT = `query Audit($after: String, $at: String) {
  auditEvents(after: $after, consistentWith: $at) { type position }
}`;
const SCHEDULE = `mutation { scheduleMeetup(input: { title: "Audit", city: "Lisbon",
  startsAt: "2040-01-01T18:00:00Z", capacity: 5 }) { id position } }`;

describe('the audit trail', () => {
  const app = useTestApp(ADMIN_ENV);
  // Meetups are scheduled by an organiser; the audit trail is read as the admin, who may read it all.
  let organiser: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    organiser = await signUp(app);
    admin = await logInAsAdmin(app);
  });
  const schedule = (headers: Record<string, string> = {}) =>
    app.gql(SCHEDULE, {}, { ...organiser.headers, ...headers });
  const read = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, admin.headers);

  it("refuses the server's own $-prefixed streams, and the snapshots of long streams", async () => {
    for (const streamId of ['$all', '$scavenges', '$settings', `snapshot-meetup-${randomUUID()}`]) {
      const response = await read(HISTORY, { streamId });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('shows domain events only, never the system events a store starts with', async () => {
    const scheduled = await schedule();
    expect(scheduled.errors).toBeUndefined();
    const response = await read(AUDIT, { at: scheduled.data!.scheduleMeetup.position });
    expect(response.errors).toBeUndefined();
    const types = response.data!.auditEvents.map((e: { type: string }) => e.type);
    expect(types).toContain('MeetupScheduled');
    expect(types.filter((type: string) => type.startsWith('$'))).toEqual([]);
  });

  it('refuses a position beyond the end of the store, and pages from the last one', async () => {
    const scheduled = await schedule();
    const head = scheduled.data!.scheduleMeetup.position as string;
    const beyond = await read(AUDIT, { after: String(BigInt(head) + 1_000_000n) });
    expect(beyond.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const atHead = await read(AUDIT, { after: head });
    expect(atHead.errors).toBeUndefined();
    expect(atHead.data!.auditEvents).toEqual([]);
  });

  it('reads an explicit null as an argument left out, and refuses a null limit', async () => {
    expect((await read(AUDIT, { after: null })).errors).toBeUndefined();
    const limit = await read('query($l: Int) { auditEvents(limit: $l) { type } }', { l: null });
    expect(limit.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('finds a flow by its correlation id in any letter case', async () => {
    const correlationId = randomUUID();
    const scheduled = await schedule({ 'x-correlation-id': correlationId.toUpperCase() });
    expect(scheduled.errors).toBeUndefined();
    const query = `query($c: String, $at: String) { auditEvents(correlationId: $c, consistentWith: $at) { type } }`;
    const found = await read(query, {
      c: correlationId.toUpperCase(),
      at: scheduled.data!.scheduleMeetup.position,
    });
    expect(found.data!.auditEvents.map((e: { type: string }) => e.type)).toEqual([
      'CommandAccepted',
      'MeetupScheduled',
    ]);
    const bad = await read(query, { c: 'not-a-uuid' });
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('reads an application stream whatever the letter case of its id', async () => {
    const { id } = (await schedule()).data!.scheduleMeetup;
    const history = await read(HISTORY, { streamId: `meetup-${id.toUpperCase()}` });
    expect(history.data!.streamHistory.map((e: { type: string }) => e.type)).toEqual(['MeetupScheduled']);
  });
});
