import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has sensible defaults for the embedded setup', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      role: 'all',
      dataDir: 'data',
      eventStoreUrl: undefined,
      mongoUrl: undefined,
      playground: true,
      introspection: true,
    });
  });

  it('turns the playground and introspection off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ playground: false, introspection: false });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_PLAYGROUND: 'true' }).playground).toBe(true);
  });

  it('reports every wrong value at once, each with its name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', ROLE: 'boss', EVENTSTORE_URL: 'http://x', GRAPHQL_PLAYGROUND: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT must be an integer/);
    expect(problems).toMatch(/ROLE must be api, worker or all/);
    expect(problems).toMatch(/EVENTSTORE_URL must start with esdb:\/\//);
    expect(problems).toMatch(/GRAPHQL_PLAYGROUND must be true or false/);
  });

  it('parks a failing event after 10 attempts unless told otherwise, from 1 to 1000', () => {
    expect(loadConfig({}).parkAfterAttempts).toBe(10);
    expect(loadConfig({ PARK_AFTER_ATTEMPTS: '3' }).parkAfterAttempts).toBe(3);
    for (const raw of ['0', '1001', 'never']) {
      expect(() => loadConfig({ PARK_AFTER_ATTEMPTS: raw })).toThrow(
        /PARK_AFTER_ATTEMPTS must be an integer from 1 to 1000/,
      );
    }
  });

  it('leases consumers for 6 s unless told otherwise, from 1 to 300', () => {
    expect(loadConfig({}).leaseTtlSeconds).toBe(6);
    expect(loadConfig({ LEASE_TTL_SECONDS: '2' }).leaseTtlSeconds).toBe(2);
    for (const raw of ['0', '301', '1.5']) {
      expect(() => loadConfig({ LEASE_TTL_SECONDS: raw })).toThrow(
        /LEASE_TTL_SECONDS must be an integer from 1 to 300/,
      );
    }
  });

  it('is ready up to 1000 events behind unless told otherwise, from 0 to 9999', () => {
    expect(loadConfig({}).readyMaxLag).toBe(1000);
    expect(loadConfig({ READY_MAX_LAG: '0' }).readyMaxLag).toBe(0);
    for (const raw of ['-1', '10000', '1e3']) {
      expect(() => loadConfig({ READY_MAX_LAG: raw })).toThrow(
        /READY_MAX_LAG must be an integer from 0 to 9999/,
      );
    }
  });

  it('leaves /metrics open unless a token of 16 or more printable characters is set', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'scrape-me-please-1234' }).metricsToken).toBe('scrape-me-please-1234');
    for (const raw of ['short', 'has a space in the middle']) {
      expect(() => loadConfig({ METRICS_TOKEN: raw })).toThrow(/METRICS_TOKEN must be at least 16/);
    }
  });

  it('listens on the loopback unless told an address', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::' }).host).toBe('::');
    expect(() => loadConfig({ HOST: 'everywhere' })).toThrow(/HOST must be an IP address/);
  });

  it('takes integers in plain decimal digits only', () => {
    for (const raw of ['0x10', '1e3', ' 8080', '80.0']) {
      expect(() => loadConfig({ PORT: raw })).toThrow(/PORT must be an integer/);
    }
    expect(loadConfig({ PORT: '8080' }).port).toBe(8080);
  });

  describe('secrets', () => {
    const strong = 'k8S2vQ7xL0pZ4mN9bR3tW6yC1dF5gH2j';
    const realStores = { EVENTSTORE_URL: 'esdb://db:2113', MONGODB_URL: 'mongodb://db:27017' };

    it('may be left out on the embedded default, where they are generated', () => {
      expect(loadConfig({}).jwtSecret).toBeUndefined();
    });

    it('must be given with real servers', () => {
      expect(() => loadConfig(realStores)).toThrow(/JWT_SECRET must be set[\s\S]*HASH_KEY must be set/);
      expect(() => loadConfig({ MONGODB_URL: realStores.MONGODB_URL })).toThrow(/JWT_SECRET must be set/);
      expect(loadConfig({ ...realStores, JWT_SECRET: strong, HASH_KEY: strong }).jwtSecret).toBe(strong);
    });

    it('refuses weak ones anywhere', () => {
      for (const weak of ['secret', 'a'.repeat(64), '0123456789012345678901234567890123']) {
        expect(() => loadConfig({ JWT_SECRET: weak })).toThrow(/JWT_SECRET must be at least 32 characters/);
      }
    });

    it('wants the admin address and password together', () => {
      expect(() => loadConfig({ ADMIN_EMAIL: 'admin@example.com' })).toThrow(
        /ADMIN_EMAIL and ADMIN_PASSWORD/,
      );
    });
  });
});
