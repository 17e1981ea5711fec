import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/app-config';
import { ConfigWithSecrets } from '../src/config/secrets';
import { Actor } from '../src/identity/domain/role';
import { graphql } from './graphql-client';

/**
 * The configuration of an app started on store URLs, which must be given its secrets (they are
 * generated only on the embedded default): fresh ones for this run.
 */
export function benchConfig(env: Record<string, string> = {}): ConfigWithSecrets {
  const config = loadConfig({
    PORT: '0',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    HASH_KEY: randomBytes(32).toString('base64url'),
    ...env,
  });
  return { ...config, jwtSecret: config.jwtSecret!, hashKey: config.hashKey! };
}

export interface BenchOrganiser {
  /** Who the repository's commands are decided for. */
  actor: Actor;
  /** What authenticates a request over HTTP as this organiser. */
  headers: Record<string, string>;
}

const REGISTER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id position } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token user { id role } } }`;

/** Registers an organiser and logs them in, once, before the figures are taken. */
export async function signUpOrganiser(url: string): Promise<BenchOrganiser> {
  const email = `bench-${randomUUID()}@example.test`;
  const password = randomBytes(18).toString('base64url');
  const { registerUser } = await graphql(url, REGISTER, {
    input: { email, password, displayName: 'Bench organiser', role: 'ORGANIZER' },
  });
  const { logIn } = await graphql(url, LOG_IN, {
    input: { email, password, consistentWith: registerUser.position },
  });
  const user = logIn.user as unknown as Actor & { id: string };
  return {
    actor: { userId: user.id, role: user.role },
    headers: { authorization: `Bearer ${logIn.token}` },
  };
}
