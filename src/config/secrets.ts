import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig, ConfigError, strongSecret } from './app-config';

export type ConfigWithSecrets = AppConfig & { jwtSecret: string; hashKey: string };

/**
 * The configured secrets; on the embedded default, those missing are generated once and kept
 * under the data directory (`secrets/`, readable by the owner only), so sessions and address
 * look-ups survive a restart. Configuration validation refuses missing ones anywhere else.
 */
export async function withSecrets(config: AppConfig): Promise<ConfigWithSecrets> {
  const dir = join(config.dataDir, 'secrets');
  return {
    ...config,
    jwtSecret: config.jwtSecret ?? (await keptSecret(dir, 'jwt-secret')),
    hashKey: config.hashKey ?? (await keptSecret(dir, 'hash-key')),
  };
}

async function keptSecret(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  try {
    return checked(path, await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written whole under another name, then linked into place: a crash never leaves half a secret,
  // and of two processes starting at once, the second reads what the first wrote.
  const written = `${path}.${process.pid}.new`;
  await writeFile(written, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    await link(written, path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await unlink(written);
  }
  return checked(path, await readFile(path, 'utf8'));
}

function checked(path: string, content: string): string {
  const secret = content.trim();
  if (!strongSecret(secret)) {
    throw new ConfigError([`${path} does not hold a strong secret: remove it to have a new one made`]);
  }
  return secret;
}
