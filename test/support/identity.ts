import { randomUUID } from 'node:crypto';
import { TestApp } from './app';

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  role: string;
  token: string;
  /** The header that authenticates a request as this user. */
  headers: Record<string, string>;
}

const REGISTER = `mutation ($input: RegisterUserInput!) { registerUser(input: $input) { id revision position } }`;
const LOG_IN = `mutation ($input: LogInInput!) { logIn(input: $input) { token expiresAt user { id role } } }`;

type Client = Pick<TestApp, 'gql'>;

const SIGN_UP = `mutation SignUp($input: RegisterUserInput!) { registerUser(input: $input) { id } }`;

/** Registers a new attendee, without logging in, in the flow of `correlationId` when given; returns their id. */
export async function register(app: Client, correlationId?: string): Promise<string> {
  const registered = await app.gql(
    SIGN_UP,
    {
      input: {
        email: `user-${randomUUID()}@example.test`,
        password: PASSWORD,
        displayName: 'Test User',
        role: 'ATTENDEE',
      },
    },
    correlationId ? { 'x-correlation-id': correlationId } : {},
  );
  if (registered.errors) throw new Error(`registerUser failed: ${JSON.stringify(registered.errors)}`);
  return registered.data!.registerUser.id as string;
}

/** Registers a new user with a fresh address and logs them in. */
export async function signUp(
  app: Client,
  role: 'ORGANIZER' | 'ATTENDEE' = 'ORGANIZER',
  fields: { email?: string; displayName?: string; password?: string } = {},
): Promise<TestUser> {
  const email = fields.email ?? `user-${randomUUID()}@example.test`;
  const password = fields.password ?? PASSWORD;
  const registered = await app.gql(REGISTER, {
    input: { email, password, displayName: fields.displayName ?? 'Test User', role },
  });
  if (registered.errors) throw new Error(`registerUser failed: ${JSON.stringify(registered.errors)}`);
  const { registerUser } = registered.data!;
  const user = await logIn(app, email, password, registerUser.position);
  if (user.userId !== registerUser.id) throw new Error('logged in as someone else');
  return user;
}

/** Logs in, waiting for the log-in look-up to include `consistentWith` when given. */
export async function logIn(
  app: Client,
  email: string,
  password: string,
  consistentWith?: string,
): Promise<TestUser> {
  const response = await app.gql(LOG_IN, { input: { email, password, consistentWith } });
  if (response.errors) throw new Error(`logIn failed: ${JSON.stringify(response.errors)}`);
  const { token, user } = response.data!.logIn;
  return { userId: user.id, email, password, role: user.role, token, headers: bearer(token) };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export const ADMIN = { email: 'admin@example.test', password: 'admin password of the tests' };
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

/** Logs in as the admin ADMIN_ENV creates at boot, once the look-up has it. */
export async function logInAsAdmin(app: Client): Promise<TestUser> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await logIn(app, ADMIN.email, ADMIN.password);
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
