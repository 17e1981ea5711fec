import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointStore } from './checkpoint-store';

interface Waiter {
  position: bigint;
  settle(reached: boolean): void;
}

/**
 * Follows a subscription's durable checkpoint for a process that does not run it (the API role):
 * one poll at a time, only while someone waits, however many queries wait.
 */
export class CheckpointWatch {
  private reached = -1n;
  private readonly waiters = new Set<Waiter>();
  private polling = false;

  constructor(
    private readonly checkpoints: CheckpointStore,
    private readonly name: string,
    private readonly intervalMs = 25,
  ) {}

  /** True once the checkpoint is at or past `position`; false if `timeoutMs` passes first. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        settle: (reached) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(reached);
        },
      };
      this.waiters.add(waiter);
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        const checkpoint = await this.checkpoints.load(this.name).catch(() => undefined);
        if (checkpoint && checkpoint.commit > this.reached) this.reached = checkpoint.commit;
        for (const waiter of this.waiters) if (waiter.position <= this.reached) waiter.settle(true);
        if (this.waiters.size > 0) await sleep(this.intervalMs);
      }
    } finally {
      this.polling = false;
    }
  }
}
