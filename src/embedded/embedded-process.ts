import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface EmbeddedProcess {
  /** The connection string the server printed. */
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM, resolving to the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs an embedded server's CLI script in its own Node.js process and waits until it prints
 * `listening: <url>`.
 */
export async function spawnEmbeddedServer(script: string, args: string[]): Promise<EmbeddedProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onExit = (code: number | null) => reject(new Error(`${script} exited with ${code}: ${output}`));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening: (\S+)/.exec(output);
      if (match) {
        child.off('exit', onExit);
        child.stdout!.removeAllListeners('data');
        child.stderr!.removeAllListeners('data');
        resolve(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    url,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
