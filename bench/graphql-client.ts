/** Posts one GraphQL request and returns its data; any GraphQL error fails the benchmark. */
export async function graphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Record<string, Record<string, string>>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, Record<string, string>>;
    errors?: unknown[];
  };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}
