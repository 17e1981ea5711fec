import { PLAYGROUND_QUERY } from '../../src/graphql/playground.controller';
import { getIntrospectionQuery } from 'graphql';
import { httpRequest, postGraphQL, useTestApp } from '../support/app';
import { ADMIN_ENV, logInAsAdmin } from '../support/identity';

/** 21 fragments, each spreading the previous one twice: under 1 KB, 2^20 fields once expanded. */
const FRAGMENT_BOMB = [
  'query { meetups { edges { node { ...F20 } } } }',
  'fragment F0 on Meetup { id }',
  ...Array.from({ length: 20 }, (_, i) => `fragment F${i + 1} on Meetup { ...F${i} ...F${i} }`),
].join('\n');

/** Milliseconds a request takes, with its response. */
async function timed<T>(request: Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const response = await request;
  return [performance.now() - started, response];
}

describe('GraphQL limits and error codes', () => {
  const app = useTestApp(ADMIN_ENV);

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

  it('counts the streams a request folds: nineteen per request, not twenty', async () => {
    const folds = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `s${i}: streamStateAt(streamId: "${streamId}", revision: 0) { revision }`,
      ).join(' ');
    // As the admin, who may read the audit trail: only the cost can refuse these.
    const admin = await logInAsAdmin(app);
    const streamId = `user-${admin.userId}`;
    expect((await app.gql(`query { ${folds(19)} }`, {}, admin.headers)).errors).toBeUndefined();
    expect(codeOf(await app.gql(`query { ${folds(20)} }`, {}, admin.headers))).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a fragment bomb at once, without holding up other requests', async () => {
    expect(FRAGMENT_BOMB.length).toBeLessThan(1024);
    const [[bombMs, bomb], [otherMs, other]] = await Promise.all([
      timed(app.gql(FRAGMENT_BOMB)),
      timed(app.gql('{ meetups { edges { cursor } } }')),
    ]);
    expect(codeOf(bomb)).toBe('QUERY_TOO_COMPLEX');
    expect(bombMs).toBeLessThan(1000);
    expect(other.errors).toBeUndefined();
    expect(otherMs).toBeLessThan(1000);
  });

  it('stops parsing past the token limit', async () => {
    const fields = 'meetups { edges { cursor } } '.repeat(200);
    const response = await app.gql(`{ ${fields} }`);
    expect(codeOf(response)).toBe('QUERY_TOO_COMPLEX');
    expect(response.errors![0].message).toMatch(/more than 1000 tokens/);
    // Comments are not tokens, but the query text has a length limit of its own.
    const padded = await postGraphQL(app, {
      query: `# ${'x'.repeat(70_000)}\n{ meetups { edges { cursor } } }`,
    });
    expect(padded.status).toBe(413);
    expect(padded.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("bounds graphql-js's own field-merging check, which grows faster than the query", async () => {
    // Nearly 1000 fields of one name, to compare pairwise: within the token and cost limits.
    const [ms, response] = await timed(
      app.gql(`{ meetups(first: 1) { edges { ${'cursor '.repeat(985)}} } }`),
    );
    expect(codeOf(response)).toBe('QUERY_TOO_COMPLEX');
    expect(ms).toBeLessThan(1000);
  });

  it('limits depth (introspection below __schema aside) and directives', async () => {
    const ofTypes = 'ofType { '.repeat(7);
    const deep = await app.gql(
      `{ __type(name: "Meetup") { fields { type { ${ofTypes} name ${'} '.repeat(7)} } } } }`,
    );
    expect(codeOf(deep)).toBe('QUERY_TOO_COMPLEX');
    expect(deep.errors![0].message).toMatch(/depth limit of 10 exceeded/);
    const directives = Array.from({ length: 21 }, (_, i) => `c${i}: cursor @include(if: true)`).join(' ');
    expect(codeOf(await app.gql(`{ meetups { edges { ${directives} } } }`))).toBe('QUERY_TOO_COMPLEX');
  });

  it('counts list sizes and large text fields in the cost', async () => {
    const page = 'meetups(first: 100) { edges { node { id title description city startsAt } } }';
    expect((await app.gql(`{ ${page} }`)).errors).toBeUndefined();
    // Two pages of 100 descriptions of up to 5000 characters: a megabyte.
    expect(codeOf(await app.gql(`{ a: ${page} b: ${page} }`))).toBe('QUERY_TOO_COMPLEX');
    const aliases = Array.from(
      { length: 10 },
      (_, i) => `a${i}: meetups(first: $n) { edges { node { description } } }`,
    );
    expect(codeOf(await app.gql(`query($n: Int) { ${aliases.join(' ')} }`, { n: 100 }))).toBe(
      'QUERY_TOO_COMPLEX',
    );
    expect((await app.gql(`query($n: Int) { ${aliases.join(' ')} }`, { n: 5 })).errors).toBeUndefined();
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

    // The document it opens with runs as it says: sign up, log in, and schedule with the token
    // pasted into the headers as shown.
    expect(html).toContain(JSON.stringify(PLAYGROUND_QUERY));
    expect(PLAYGROUND_QUERY).toMatch(
      /registerUser[\s\S]*logIn[\s\S]*\n#.*Headers tab[\s\S]*\n# *\{"Authorization": "Bearer <token>"\}\n[\s\S]*scheduleMeetup/,
    );
    const nextWeek = new Date(Date.now() + 7 * 864e5).toISOString();
    const document = PLAYGROUND_QUERY.replace('NEXT_WEEK', nextWeek);
    const run = (operationName: string, headers: Record<string, string> = {}) =>
      postGraphQL(app, { query: document, operationName }, headers);
    const registered = await run('Register');
    expect(registered.body.errors).toBeUndefined();
    // The log-in look-up follows the sign-up within moments, as it would for someone clicking.
    let loggedIn = await run('LogIn');
    for (
      let attempt = 1;
      attempt < 50 && loggedIn.body.errors?.[0]?.extensions?.code === 'INVALID_CREDENTIALS';
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      loggedIn = await run('LogIn');
    }
    expect(loggedIn.body.errors).toBeUndefined();
    const shown = /^#\s*(\{"Authorization": "Bearer <token>"\})$/m.exec(PLAYGROUND_QUERY);
    expect(shown).not.toBeNull();
    const headers = JSON.parse(shown![1].replace('<token>', loggedIn.body.data.logIn.token));
    const ready = await run('ScheduleMeetup', headers);
    expect(ready.body.errors).toBeUndefined();
    expect(ready.body.data.scheduleMeetup).toMatchObject({ revision: 0 });
    // Without the token, scheduling is refused.
    expect((await run('ScheduleMeetup')).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('sends a browser opening the API URL to the playground', async () => {
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const response = await httpRequest(`${app.url}/graphql`, { headers: { accept } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/graphiql');
    const page = await fetch(new URL(response.headers.get('location')!, app.url), { headers: { accept } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });
});

describe('GraphQL in production', () => {
  const app = useTestApp({ NODE_ENV: 'production' });

  it('suggests no field, value or argument names in errors', async () => {
    const responses = [
      await app.gql('{ meetups { edges { nod { id } } } }'),
      await app.gql('{ meetups(filter: { status: PUBLISH }) { edges { cursor } } }'),
      await app.gql('query($f: MeetupsFilter) { meetups(filter: $f) { edges { cursor } } }', {
        f: { statu: 'x' },
      }),
    ];
    for (const response of responses) {
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].message).not.toMatch(/Did you mean/);
      expect(response.errors![0].message).not.toMatch(/"node"|PUBLISHED|"status"/);
    }
  });

  it('refuses introspection, and serves no playground', async () => {
    const response = await app.gql(getIntrospectionQuery());
    expect(response.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await fetch(`${app.url}/graphiql`)).status).toBe(404);
    const browser = await httpRequest(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(browser.status).not.toBe(302);
    expect(browser.headers.get('content-type')).not.toMatch(/html/);
  });
});
