import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface EmbeddedWorker {
  /** The connection string the server printed. */
  url: string;
  /** Closes the server (flushing its storage) and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Runs an embedded server's CLI script in a worker thread: its own event loop, in the app's
 * process, so it can never outlive the app. Waits until it prints `listening: <url>`.
 */
export function startEmbeddedWorker(script: string, args: string[]): Promise<EmbeddedWorker> {
  const worker = new Worker(script, { argv: args, stdout: true });
  const exited = once(worker, 'exit');
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening: (\S+)/.exec(output);
      if (!match) return;
      worker.stdout.off('data', onData);
      worker.stdout.resume();
      worker.off('exit', onEarlyExit);
      resolve({
        url: match[1],
        async stop() {
          worker.postMessage('stop');
          const timer = setTimeout(() => void worker.terminate(), 5000);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    const onEarlyExit = (code: number) => reject(new Error(`${script} exited with ${code}: ${output}`));
    worker.stdout.on('data', onData);
    worker.once('error', reject);
    worker.once('exit', onEarlyExit);
  });
}
