import { Agent, request } from 'node:http';

/**
 * Keep-alive connections through `node:http`: `fetch` costs the benchmark's own process several
 * times more CPU per request, and on two cores that CPU is taken from the server being measured.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * Posts one GraphQL request, with these headers (such as an organiser's `authorization`), and
 * returns its data; any GraphQL error fails the benchmark.
 */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Record<string, Record<string, string>>> {
  const body = (await post(`${url}/graphql`, JSON.stringify({ query, variables }), headers)) as {
    data?: Record<string, Record<string, string>>;
    errors?: unknown[];
  };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

function post(url: string, payload: string, extraHeaders: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...extraHeaders,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    };
    const req = request(url, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error as Error);
        }
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
