import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('hands tasks to waiting takers and ends when input is closed and all complete', async () => {
    const q = new WorkQueue<number>();
    const first = q.take();
    q.push(1);
    q.push(2);
    expect(await first).toBe(1);
    expect(await q.take()).toBe(2);
    q.closeInput();
    const end = q.take();
    q.complete();
    q.complete();
    expect(await end).toBeUndefined();
    await q.whenFinished();
  });
  it('retries at the front immediately or at the back after a delay', async () => {
    const q = new WorkQueue<string>();
    q.push('a');
    q.push('b');
    const a = (await q.take())!;
    q.retry(a);
    expect(await q.take()).toBe('a');
    q.retry('a', 30);
    expect(await q.take()).toBe('b');
    const t0 = Date.now();
    expect(await q.take()).toBe('a');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(20);
  });
  it('applies back-pressure to the producer', async () => {
    const q = new WorkQueue<number>(2);
    q.push(1);
    q.push(2);
    let room = false;
    const wait = q.waitForRoom().then(() => (room = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(room).toBe(false);
    await q.take();
    await wait;
    expect(room).toBe(true);
  });
  it('stop releases everyone', async () => {
    const q = new WorkQueue<number>();
    const t = q.take();
    q.push(1);
    await t;
    const t2 = q.take();
    q.stop();
    expect(await t2).toBeUndefined();
  });
});
