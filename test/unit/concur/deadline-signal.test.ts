import { deadlineSignal } from '../../../src/targets/deadline-signal';

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError once the deadline passes', async () => {
    const d = deadlineSignal(20);
    await aborted(d.signal);
    expect(d.timedOut).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
    d.dispose();
  });

  it("aborts with the outer signal's reason, and says it was not the deadline", () => {
    const outer = new AbortController();
    const d = deadlineSignal(60_000, outer.signal);
    expect(d.signal.aborted).toBe(false);
    const reason = new Error('cancelled');
    outer.abort(reason);
    expect(d.signal.aborted).toBe(true);
    expect(d.signal.reason).toBe(reason);
    expect(d.timedOut).toBe(false);
    d.dispose();
  });

  it('starts aborted when the outer signal already is', () => {
    const outer = new AbortController();
    outer.abort(new Error('gone'));
    const d = deadlineSignal(60_000, outer.signal);
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).message).toBe('gone');
  });

  it('once disposed, neither the deadline nor the outer signal aborts it', async () => {
    const outer = new AbortController();
    const d = deadlineSignal(10, outer.signal);
    d.dispose();
    // Wait past the deadline on a timer of our own: the disposed one must not fire.
    await new Promise((resolve) => setTimeout(resolve, 40));
    outer.abort();
    expect(d.signal.aborted).toBe(false);
    expect(d.timedOut).toBe(false);
  });
});
