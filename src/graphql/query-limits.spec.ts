import { buildSchema, parse, validate } from 'graphql';
import { depthLimit } from './query-limits';

describe('depthLimit', () => {
  const schema = buildSchema(`
    type Person { name: String, friends: [Person] }
    type Query { me: Person }
  `);
  const errorsFor = (query: string, max: number) => validate(schema, parse(query), [depthLimit(max)]);

  it('allows queries up to the limit, fragments included', () => {
    expect(errorsFor('{ me { friends { name } } }', 3)).toEqual([]);
    expect(errorsFor('{ me { ...F } } fragment F on Person { friends { name } }', 3)).toEqual([]);
  });

  it('refuses deeper queries with QUERY_TOO_COMPLEX, through fragments too', () => {
    const [error] = errorsFor('{ me { friends { friends { name } } } }', 3);
    expect(error.message).toMatch(/nested 4 levels deep/);
    expect(error.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(
      errorsFor('{ me { ...F } } fragment F on Person { friends { friends { name } } }', 3),
    ).toHaveLength(1);
  });

  it('does not count introspection fields', () => {
    expect(errorsFor('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2)).toEqual(
      [],
    );
  });
});
