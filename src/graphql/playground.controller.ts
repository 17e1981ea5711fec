import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** GraphiQL and its dependencies, served from installed packages: the playground works offline. */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

/** A package's own folder; its `exports` map does not list these prebuilt files. */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || readJson(join(dir, 'package.json')).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot locate package ${name}`);
    dir = parent;
  }
  return dir;
}

const readJson = (file: string): { name?: string } =>
  JSON.parse(readFileSync(file, 'utf8')) as { name?: string };

/**
 * The document the playground opens with: sign up, log in, then schedule a meetup with the
 * session token (every mutation but these two needs one). The page puts a time a week ahead for
 * NEXT_WEEK.
 */
export const PLAYGROUND_QUERY = `# 1. Sign up as an organiser (with your own address, and a password of 12 characters or more).
mutation Register {
  registerUser(input: { email: "organiser@example.com", password: "correct horse battery staple",
    displayName: "Organiser", role: ORGANIZER }) {
    id position
  }
}

# 2. Log in with the same address and password, and copy the token from the answer.
mutation LogIn {
  logIn(input: { email: "organiser@example.com", password: "correct horse battery staple" }) {
    token expiresAt
  }
}

# 3. Paste the token into the Headers tab below, as:
#    {"Authorization": "Bearer <token>"}
# then schedule a meetup; pass the returned position as consistentWith to read it back.
mutation ScheduleMeetup {
  scheduleMeetup(input: { title: "Event sourcing night", city: "Lisbon",
    startsAt: "NEXT_WEEK", capacity: 50 }) {
    id revision position
  }
}`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Meetups GraphQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const nextWeek = new Date(Date.now() + 7 * 864e5).toISOString();
    const defaultQuery = ${JSON.stringify(PLAYGROUND_QUERY)}.replace('NEXT_WEEK', nextWeek);
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;

@Controller('graphiql')
export class PlaygroundController {
  private readonly cache = new Map<string, Buffer>();

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    let body = this.cache.get(name);
    if (!body) {
      body = readFileSync(join(packageRoot(asset.pkg), asset.file));
      this.cache.set(name, body);
    }
    void reply.header('content-type', asset.type).header('cache-control', 'public, max-age=86400').send(body);
  }
}

/**
 * A browser opening the API's URL (a GET that accepts HTML, as a navigation does) is sent to the
 * playground, as Apollo Server and GraphQL Yoga do; GraphQL clients, which ask for JSON, are not.
 */
export function redirectBrowsersToPlayground(fastify: FastifyInstance, apiPath = '/graphql'): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== apiPath) return;
    const accept = request.headers.accept ?? '';
    if (!accept.includes('text/html')) return;
    return reply.redirect('/graphiql', 302);
  });
}
