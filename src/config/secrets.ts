import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from './app-config';

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
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  // 'wx': of two processes starting at once, the second reads what the first wrote.
  await writeFile(path, secret, { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return (await readFile(path, 'utf8')).trim();
}
