import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built entry point, as `npm start` runs it: `npm test` builds first. */
const MAIN = join(__dirname, '../../dist/src/main.js');

/** Starts the app as `npm start` does, on free ports, and waits for the line naming its API. */
async function start(dataDir: string): Promise<{ child: ChildProcess; output: () => string; api: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      EMBEDDED_EVENTSTORE_PORT: '0',
      EMBEDDED_MONGODB_PORT: '0',
      MONGODB_DATABASE: `boot_${process.pid}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const api = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no API after 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const found = /GraphQL API: +(http:\/\/[^\s"]+)/.exec(output);
      if (found) {
        clearTimeout(deadline);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, api };
}

/** One GraphQL request to the API, as any client sends it; its parsed answer. */
async function post(
  api: string,
  query: string,
  variables: object = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

/** The output once it matches, or as it is after `ms`: lines printed together may arrive apart. */
async function printed(output: () => string, pattern: RegExp, ms = 5000): Promise<string> {
  const deadline = performance.now() + ms;
  while (!pattern.test(output()) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return output();
}

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; afterMs: number }>((resolve) => {
    const started = performance.now();
    child.once('exit', (code) => resolve({ code, afterMs: performance.now() - started }));
  });

describe('the app as npm start runs it', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'boot-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints where everything is, serves commands, and stops cleanly on Ctrl+C while a client is mid-request', async () => {
    const { child, output, api } = await start(dataDir);
    try {
      if (!process.env.EVENTSTORE_URL)
        expect(output()).toMatch(/embedded eventstore esdb:\/\/127\.0\.0\.1:\d+/);
      const playground = /Playground: +http:\/\/127\.0\.0\.1:\d+\/graphiql/;
      expect(await printed(output, playground)).toMatch(playground);
      // On the embedded default, the app made its own secrets, under its data directory.
      expect(existsSync(join(dataDir, 'secrets', 'jwt-secret'))).toBe(true);
      expect(existsSync(join(dataDir, 'secrets', 'hash-key'))).toBe(true);

      // A command needs a session: sign up and log in first, as a client would.
      const credentials = { email: 'boot@example.test', password: 'correct horse battery staple' };
      const registered = await post(
        api,
        `mutation($input: RegisterUserInput!) { registerUser(input: $input) { position } }`,
        { input: { ...credentials, displayName: 'Boot', role: 'ORGANIZER' } },
      );
      expect(registered.errors).toBeUndefined();
      const loggedIn = await post(api, `mutation($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { ...credentials, consistentWith: registered.data!.registerUser.position },
      });
      expect(loggedIn.errors).toBeUndefined();
      const scheduled = await post(
        api,
        `mutation { scheduleMeetup(input: { title: "Boot", city: "Lisbon",
          startsAt: "2040-01-01T18:00:00Z", capacity: 5 }) { revision } }`,
        {},
        { authorization: `Bearer ${loggedIn.data!.logIn.token}` },
      );
      expect(scheduled).toEqual({ data: { scheduleMeetup: { revision: 0 } } });

      // A client that never finishes its request does not hold the shutdown up.
      const slow = connect(Number(new URL(api).port), '127.0.0.1');
      slow.on('error', () => undefined);
      await new Promise((resolve) => slow.once('connect', resolve));
      slow.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{');

      const exited = exitOf(child);
      child.kill('SIGINT');
      const { code, afterMs } = await exited;
      slow.destroy();
      expect(code).toBe(0);
      expect(afterMs).toBeLessThan(5000);
      expect(output()).toMatch(/SIGINT received, shutting down/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
