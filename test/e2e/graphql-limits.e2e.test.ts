import { getIntrospectionQuery } from 'graphql';
import { openStores, startTestApp, TestApp, TestStores } from '../support/app';

describe('GraphQL limits and error codes', () => {
  let stores: TestStores;
  let app: TestApp;
  beforeAll(async () => {
    stores = await openStores();
    app = await startTestApp(stores);
  });
  afterAll(async () => {
    await app?.close();
    await stores?.close();
  });

  const codeOf = (response: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    response.errors?.[0]?.extensions?.code;

  it('codes syntax and schema errors', async () => {
    expect(codeOf(await app.gql('query { meetups { '))).toBe('GRAPHQL_PARSE_FAILED');
    expect(codeOf(await app.gql('query { nope }'))).toBe('GRAPHQL_VALIDATION_FAILED');
    const badDate = await app.gql(
      'mutation($input: ScheduleMeetupInput!) { scheduleMeetup(input: $input) { id } }',
      {
        input: { title: 'Date', city: 'Faro', startsAt: 'next tuesday', capacity: 3 },
      },
    );
    expect(codeOf(badDate)).toBe('BAD_USER_INPUT');
  });

  it('refuses too many aliases and too high a cost', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: meetup(id: "x") { id }`).join(' ');
    expect(codeOf(await app.gql(`query { ${aliases} }`))).toBe('QUERY_TOO_COMPLEX');

    const costly = await app.gql(
      `query($n: Int) {
        a: meetups(first: $n) { edges { node { id title city } } }
        b: meetups(first: $n) { edges { node { id title } } }
        c: streamHistory(streamId: "x", limit: 1000) { eventId type data metadata }
        d: auditEvents(limit: 1000) { eventId type data }
      }`,
      { n: 100 },
    );
    expect(codeOf(costly)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses batched requests and oversized bodies', async () => {
    const batch = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: '{ meetups { edges { cursor } } }' },
        { query: '{ meetups { edges { cursor } } }' },
      ]),
    });
    expect(batch.status).toBeGreaterThanOrEqual(400);
    const huge = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ meetup(id: "${'x'.repeat(300_000)}") { id } }` }),
    });
    expect(huge.status).toBe(413);
  });

  it("answers the playground's introspection query", async () => {
    const response = await app.gql(getIntrospectionQuery());
    expect(response.errors).toBeUndefined();
    expect(response.data!.__schema.mutationType.name).toBe('Mutation');
  });

  it('serves the playground and its assets from the app itself', async () => {
    const page = await fetch(`${app.url}/graphiql`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBe(4);
    for (const asset of assets) {
      expect(asset.startsWith('/graphiql/assets/')).toBe(true);
      const response = await fetch(`${app.url}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${app.url}/graphiql/assets/..%2Fpackage.json`)).status).toBe(404);
  });
});
