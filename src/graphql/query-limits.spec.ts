import { buildSchema, getIntrospectionQuery, OperationDefinitionNode, parse, validate } from 'graphql';
import { operationCost } from './query-cost';
import { COST_MODEL, limitRules, parseWithTokenLimit, QUERY_LIMITS } from './query-limits';

const schema = buildSchema(`
  type Person { name: String, bio: String, friends(first: Int = 10): [Person] }
  type Query { me: Person, people(limit: Int): [Person] }
`);

/** Each fragment spreads the previous one twice: 2^n fields from a few hundred bytes. */
function fragmentBomb(levels: number, type = 'Person', leaf = 'name'): string {
  const fragments = [`fragment F0 on ${type} { ${leaf} }`];
  for (let i = 1; i < levels; i++) fragments.push(`fragment F${i} on ${type} { ...F${i - 1} ...F${i - 1} }`);
  return fragments.join('\n');
}

describe('limit rules', () => {
  const errorsFor = (query: string) => validate(schema, parse(query), limitRules());

  it('allows queries up to the depth limit, fragments flattened', () => {
    const nested = (n: number) => `${'friends { '.repeat(n - 2)}name${' }'.repeat(n - 2)}`;
    expect(errorsFor(`{ me { ${nested(QUERY_LIMITS.maxDepth)} } }`)).toEqual([]);
    expect(errorsFor(`{ me { ...F } } fragment F on Person { ${nested(QUERY_LIMITS.maxDepth)} }`)).toEqual(
      [],
    );
  });

  it('refuses deeper queries with QUERY_TOO_COMPLEX, through fragments too', () => {
    const nested = `${'friends { '.repeat(QUERY_LIMITS.maxDepth)}name${' }'.repeat(QUERY_LIMITS.maxDepth)}`;
    const [error] = errorsFor(`{ me { ...F } } fragment F on Person { ${nested} }`);
    expect(error.message).toMatch(/depth limit of 10 exceeded/);
    expect(error.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it("does not count introspection: GraphiQL's own query passes", () => {
    expect(errorsFor(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }))).toEqual([]);
  });

  it('refuses too many aliases and directives', () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: me { name }`).join(' ');
    expect(errorsFor(`{ ${aliases} }`)[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    const directives = Array.from({ length: 21 }, (_, i) => `n${i}: name @include(if: true)`).join(' ');
    expect(errorsFor(`{ me { ${directives} } }`)[0].message).toMatch(/Directives limit/);
  });

  it('takes linear time on a fragment bomb', () => {
    const started = performance.now();
    expect(errorsFor(`{ me { ...F29 } } ${fragmentBomb(30)}`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('parseWithTokenLimit', () => {
  it('stops past the token limit with QUERY_TOO_COMPLEX', () => {
    expect(() => parseWithTokenLimit(`{ ${'me { name } '.repeat(300)}}`)).toThrow(
      expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens' } }),
    );
    expect(parseWithTokenLimit(getIntrospectionQuery()).definitions).toHaveLength(4);
  });
});

describe('operationCost', () => {
  const costOf = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return operationCost(schema, document, document.definitions[0] as OperationDefinitionNode, variables, {
      ...COST_MODEL,
      fieldWeights: { 'Person.bio': 50 },
    });
  };

  it('counts each field once, times the list sizes asked for, by argument, variable or default', () => {
    expect(costOf('{ me { name } }')).toBe(2);
    expect(costOf('{ people(limit: 100) { name } }')).toBe(101);
    expect(costOf('query($n: Int) { people(limit: $n) { name } }', { n: 7 })).toBe(8);
    expect(costOf('query($n: Int = 3) { people(limit: $n) { name } }')).toBe(4);
    expect(costOf('{ me { friends { name } } }')).toBe(12);
    expect(costOf('{ me { bio } }')).toBe(51);
  });

  it('costs a fragment bomb for what it expands to, in linear time', () => {
    const started = performance.now();
    expect(costOf(`{ me { ...F59 } } ${fragmentBomb(60)}`)).toBe(1 + 2 ** 59);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('does not count introspection', () => {
    expect(costOf('{ __schema { types { name } } }')).toBe(0);
  });
});
