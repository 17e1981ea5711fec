import { BACKWARDS, END } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { postGraphQL, useTestApp } from '../support/app';
import { signUp, TestUser } from '../support/identity';

const SCHEDULE = `mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id position } }`;
const LIST_AFTER = `query($after: DateTime) { meetups(filter: { startsAfter: $after }) { edges { cursor } } }`;

/** Dates that are not RFC 3339 date-times with an offset, or not dates at all. */
const NOT_DATE_TIMES: unknown[] = [
  '2030-02-30T00:00:00Z',
  '2030-04-31T10:00:00+02:00',
  '2030-01-01T24:00:00Z',
  'Tue Jan 01 2030',
  '01/02/2030',
  '2030',
  '2030-05-01',
  '2030-05-01T18:00:00',
  '2030-05-01 18:00:00Z',
  1893456000,
  1893456000000,
  true,
  { year: 2030 },
];

describe('strict GraphQL input', () => {
  const app = useTestApp();
  // Mutations are sent as an organiser, so that only the input can be what is refused.
  let organiser: TestUser;
  beforeAll(async () => {
    organiser = await signUp(app);
  });
  const mutate = (query: string, variables?: Record<string, unknown>) =>
    app.gql(query, variables, organiser.headers);

  const input = (overrides: Record<string, unknown>) => ({
    title: 'Strict input',
    description: 'Dates and strings',
    city: 'Porto',
    startsAt: '2030-05-01T18:00:00Z',
    capacity: 10,
    ...overrides,
  });

  /** The data of the latest events in the store, as text. */
  async function recentEventData(): Promise<string> {
    const texts: string[] = [];
    for await (const resolved of app.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 200,
    })) {
      if (resolved.event && !resolved.event.type.startsWith('$'))
        texts.push(JSON.stringify(resolved.event.data));
    }
    return texts.join('\n');
  }

  it('refuses date-times that are not RFC 3339 with an offset, as variables and nothing is written', async () => {
    const marker = `dates-${randomUUID()}`;
    for (const startsAt of NOT_DATE_TIMES) {
      const response = await mutate(SCHEDULE, { input: input({ title: marker, startsAt }) });
      expect([startsAt, response.errors?.[0]?.extensions?.code]).toEqual([startsAt, 'BAD_USER_INPUT']);
      const filtered = await app.gql(LIST_AFTER, { after: startsAt });
      expect([startsAt, filtered.errors?.[0]?.extensions?.code]).toEqual([startsAt, 'BAD_USER_INPUT']);
    }
    expect(await recentEventData()).not.toContain(marker);
  });

  it('refuses them as literals in the query too, in inputs and filters', async () => {
    for (const literal of [
      '"2030-02-30T00:00:00Z"',
      '"Tue Jan 01 2030"',
      '"2030"',
      '1893456000',
      '"2030-05-01T18:00:00"',
    ]) {
      const mutation = `mutation { scheduleMeetup(input: { title: "Literal", city: "Porto", capacity: 3, startsAt: ${literal} }) { id } }`;
      expect([literal, (await mutate(mutation)).errors?.[0]?.extensions?.code]).toEqual([
        literal,
        'BAD_USER_INPUT',
      ]);
      const filter = `{ meetups(filter: { startsBefore: ${literal} }) { edges { cursor } } }`;
      expect([literal, (await app.gql(filter)).errors?.[0]?.extensions?.code]).toEqual([
        literal,
        'BAD_USER_INPUT',
      ]);
    }
  });

  it('reads an offset as the instant it names, and answers in UTC', async () => {
    const scheduled = await mutate(SCHEDULE, { input: input({ startsAt: '2030-05-01T20:00:00+02:00' }) });
    expect(scheduled.errors).toBeUndefined();
    const { id, position } = scheduled.data!.scheduleMeetup as { id: string; position: string };
    const read = await app.gql(
      `query($consistentWith: String) { meetups(first: 100, consistentWith: $consistentWith) { edges { node { id startsAt } } } }`,
      { consistentWith: position },
    );
    const edges = (read.data!.meetups as { edges: { node: { id: string; startsAt: string } }[] }).edges;
    expect(edges.find((e) => e.node.id === id)?.node.startsAt).toBe('2030-05-01T18:00:00.000Z');
  });

  it('refuses strings that are not well-formed Unicode, before anything runs', async () => {
    const marker = `unicode-${randomUUID()}`;
    const loneSurrogate = '\ud800';
    // JSON.stringify writes the lone surrogate as the escape "\ud800", as a client would.
    const asVariable = await postGraphQL(
      app,
      { query: SCHEDULE, variables: { input: input({ title: `${marker} ${loneSurrogate}` }) } },
      organiser.headers,
    );
    expect(JSON.stringify(asVariable.body.errors.map((e: any) => e.extensions.code))).toBe(
      '["BAD_USER_INPUT"]',
    );
    const inFilter = await postGraphQL(app, {
      query: `query($city: String) { meetups(filter: { city: $city }) { edges { cursor } } }`,
      variables: { city: `Porto${loneSurrogate}` },
    });
    expect(inFilter.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // As a GraphQL string escape, and as a raw character in the query text.
    for (const title of ['\\ud800', '\\udc00 trailing', '\\u{D83D}', loneSurrogate]) {
      const response = await mutate(
        `mutation { scheduleMeetup(input: { title: "${marker} ${title}", city: "Porto", capacity: 3, startsAt: "2030-05-01T18:00:00Z" }) { id } }`,
      );
      expect([title, response.errors?.[0]?.extensions?.code]).toEqual([title, 'BAD_USER_INPUT']);
    }
    // A pair is a character like any other.
    const paired = await mutate(SCHEDULE, { input: input({ title: `${marker} \ud83d\ude00` }) });
    expect(paired.errors).toBeUndefined();
    const data = await recentEventData();
    expect(data).toContain(`${marker} 😀`);
    expect(data.split('\n').filter((line) => line.includes(marker))).toHaveLength(1);
  });
});
