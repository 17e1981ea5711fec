import { randomUUID } from 'node:crypto';
import { useTestApp } from '../support/app';

const HISTORY = `query History($streamId: String!) { streamHistory(streamId: $streamId) { type } }`;
const AUDIT = `query Audit($after: String) { auditEvents(after: $after) { type position } }`;
const SCHEDULE = `mutation { scheduleMeetup(input: { title: "Audit", city: "Lisbon",
  startsAt: "2040-01-01T18:00:00Z", capacity: 5 }) { id position } }`;

describe('the audit trail', () => {
  const app = useTestApp();

  it("refuses the server's own $-prefixed streams", async () => {
    for (const streamId of ['$all', '$scavenges', '$settings']) {
      const response = await app.gql(HISTORY, { streamId });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('shows domain events only, never the system events a store starts with', async () => {
    await app.gql(SCHEDULE);
    const response = await app.gql(AUDIT);
    expect(response.errors).toBeUndefined();
    const types = response.data!.auditEvents.map((e: { type: string }) => e.type);
    expect(types).toContain('MeetupScheduled');
    expect(types.filter((type: string) => type.startsWith('$'))).toEqual([]);
  });

  it('refuses a position beyond the end of the store, and pages from the last one', async () => {
    const scheduled = await app.gql(SCHEDULE);
    const head = scheduled.data!.scheduleMeetup.position as string;
    const beyond = await app.gql(AUDIT, { after: String(BigInt(head) + 1_000_000n) });
    expect(beyond.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const atHead = await app.gql(AUDIT, { after: head });
    expect(atHead.errors).toBeUndefined();
    expect(atHead.data!.auditEvents).toEqual([]);
  });

  it('reads an explicit null as an argument left out, and refuses a null limit', async () => {
    expect((await app.gql(AUDIT, { after: null })).errors).toBeUndefined();
    const limit = await app.gql('query($l: Int) { auditEvents(limit: $l) { type } }', { l: null });
    expect(limit.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('finds a flow by its correlation id in any letter case', async () => {
    const correlationId = randomUUID();
    await app.gql(SCHEDULE, {}, { 'x-correlation-id': correlationId.toUpperCase() });
    const query = `query($c: String) { auditEvents(correlationId: $c) { type } }`;
    const found = await app.gql(query, { c: correlationId.toUpperCase() });
    expect(found.data!.auditEvents.map((e: { type: string }) => e.type)).toEqual([
      'CommandAccepted',
      'MeetupScheduled',
    ]);
    const bad = await app.gql(query, { c: 'not-a-uuid' });
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('reads an application stream whatever the letter case of its id', async () => {
    const { id } = (await app.gql(SCHEDULE)).data!.scheduleMeetup;
    const history = await app.gql(HISTORY, { streamId: `meetup-${id.toUpperCase()}` });
    expect(history.data!.streamHistory.map((e: { type: string }) => e.type)).toEqual(['MeetupScheduled']);
  });
});
