import { describe, expect, it } from 'vitest';
import { LiveStreamLimit, TooManyStreams } from './live-connections';

/** A stream that stays open until told to end, as a live feed does. */
function openStream() {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  async function* stream() {
    yield 'hello';
    await ended;
  }
  return { stream, end };
}

describe('LiveStreamLimit', () => {
  it('refuses the stream past the cap for one user, not for another, and frees a slot on close', async () => {
    const limit = new LiveStreamLimit(2);
    const opened = [openStream(), openStream()];
    const running = opened.map((s) => limit.guard('alice', s.stream));
    for (const r of running) expect((await r.next()).value).toBe('hello');
    expect(limit.openFor('alice')).toBe(2);

    await expect(limit.guard('alice', openStream().stream).next()).rejects.toBeInstanceOf(
      TooManyStreams,
    );
    // Another user is not held back by Alice's streams.
    const bob = limit.guard('bob', openStream().stream);
    expect((await bob.next()).value).toBe('hello');
    await bob.return(undefined);

    // A client that goes away frees its slot.
    await running[0]!.return(undefined);
    expect(limit.openFor('alice')).toBe(1);
    const again = limit.guard('alice', openStream().stream);
    expect((await again.next()).value).toBe('hello');

    // A stream that ends by itself frees its slot too.
    opened[1]!.end();
    expect((await running[1]!.next()).done).toBe(true);
    await again.return(undefined);
    expect(limit.openFor('alice')).toBe(0);
  });
});
