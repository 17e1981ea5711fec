import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { withSecrets } from './secrets';

describe('withSecrets', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'secrets-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('generates missing secrets once, keeps them for the owner only, and gives the same ones again', async () => {
    const first = await withSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(64);
    expect(first.hashKey).not.toBe(first.jwtSecret);
    expect((await stat(join(dataDir, 'secrets', 'jwt-secret'))).mode & 0o777).toBe(0o600);
    const again = await withSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect(again).toMatchObject({ jwtSecret: first.jwtSecret, hashKey: first.hashKey });
  });

  it('uses configured secrets as they are', async () => {
    const jwtSecret = 'k8S2vQ7xL0pZ4mN9bR3tW6yC1dF5gH2j';
    const config = await withSecrets(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: jwtSecret }));
    expect(config.jwtSecret).toBe(jwtSecret);
  });

  it('refuses a kept secret that is not whole, and leaves no half-written file behind', async () => {
    await withSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect((await readdir(join(dataDir, 'secrets'))).sort()).toEqual(['hash-key', 'jwt-secret']);
    await mkdir(join(dataDir, 'secrets'), { recursive: true });
    await writeFile(join(dataDir, 'secrets', 'jwt-secret'), '');
    await expect(withSecrets(loadConfig({ DATA_DIR: dataDir }))).rejects.toThrow(
      'does not hold a strong secret',
    );
  });
});
