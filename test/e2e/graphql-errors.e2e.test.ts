import { connect } from 'node:net';
import { Logger } from '@nestjs/common';
import { getGraphQL, httpRequest, HttpResponse, postGraphQL, useTestApp } from '../support/app';

const LIST = 'meetups { edges { cursor } }';

describe('GraphQL error codes, however many errors a response holds', () => {
  const app = useTestApp();
  afterEach(() => jest.restoreAllMocks());

  /** Every error of the response has a code; returns them. */
  const codesOf = (response: HttpResponse): string[] => {
    const errors = (response.body as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(typeof error.extensions?.code).toBe('string');
    return errors.map((e) => e.extensions!.code as string);
  };

  it('codes each of several validation errors', async () => {
    const response = await postGraphQL(app, { query: '{ nope alsoNope }' });
    expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED']);
    expect(response.status).toBe(400);

    const twoAnonymous = await postGraphQL(app, { query: `{ ${LIST} } { ${LIST} }` });
    expect(codesOf(twoAnonymous)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

    const mixed = await postGraphQL(app, {
      query: `query($a: Int, $a: Int) { nope meetups(first: "many") { edges { cursor } } }`,
    });
    expect(codesOf(mixed)).toEqual(expect.arrayContaining(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']));
    expect(codesOf(mixed).length).toBeGreaterThanOrEqual(3);
  });

  it('codes syntax errors', async () => {
    expect(codesOf(await postGraphQL(app, { query: `{ ${LIST}` }))).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('codes an operation that cannot be chosen, with or without variables, over POST and GET', async () => {
    const query = `query A { ${LIST} }`;
    for (const response of [
      await postGraphQL(app, { query, operationName: 'B' }),
      await postGraphQL(app, { query, operationName: 'B', variables: {} }),
      await getGraphQL(app, { query, operationName: 'B' }),
      await postGraphQL(app, { query: `query A { ${LIST} } query B { ${LIST} }` }),
    ]) {
      expect(codesOf(response)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
      expect(response.status).toBe(400);
    }
    const chosen = await postGraphQL(app, {
      query: `query A { ${LIST} } query B { ${LIST} }`,
      operationName: 'B',
    });
    expect(chosen.body.errors).toBeUndefined();
  });

  it('refuses a mutation over GET with METHOD_NOT_ALLOWED, and answers queries over GET', async () => {
    const response = await getGraphQL(app, {
      query: 'mutation { cancelMeetup(input: { meetupId: "m", reason: "no" }) { id } }',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(codesOf(response)).toEqual(['METHOD_NOT_ALLOWED']);
    const query = await getGraphQL(app, { query: `{ ${LIST} }` });
    expect(query.status).toBe(200);
    expect(query.body.data.meetups.edges).toEqual([]);
  });

  it('codes requests that are not GraphQL requests this server reads', async () => {
    const huge = await postGraphQL(app, { query: `{ ${LIST} }`, variables: { pad: 'x'.repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(codesOf(huge)).toEqual(['PAYLOAD_TOO_LARGE']);

    const cases: [string, Promise<HttpResponse>][] = [
      ['not JSON', postGraphQL(app, '{"query": ')],
      ['no query', postGraphQL(app, {})],
      ['a batch', postGraphQL(app, [{ query: `{ ${LIST} }` }, { query: `{ ${LIST} }` }])],
      ['variables not an object', postGraphQL(app, { query: `{ ${LIST} }`, variables: 3 })],
      ['variables not JSON over GET', getGraphQL(app, { query: `{ ${LIST} }`, variables: '{' })],
      [
        'no CSRF header',
        httpRequest(`${app.url}/graphql?query=${encodeURIComponent(`{ ${LIST} }`)}`, {
          headers: { accept: 'application/json' },
        }),
      ],
    ];
    for (const [name, pending] of cases) {
      const response = await pending;
      expect([name, codesOf(response)]).toEqual([name, ['BAD_REQUEST']]);
      expect([name, response.status]).toEqual([name, 400]);
    }
  });

  it('answers an unknown path with 404, without logging an error', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const response = await httpRequest(`${app.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404 });
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers an operation type the API does not serve as a validation failure', async () => {
    const response = await postGraphQL(app, { query: 'subscription { meetups { edges { cursor } } }' });
    expect(codesOf(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.status).toBe(400);
  });

  it('logs no error when a client drops its connection in the middle of a request body', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const { port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    // The server has seen the connection go when it answers the next request.
    expect((await postGraphQL(app, { query: `{ ${LIST} }` })).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).not.toHaveBeenCalled();
  });
});
