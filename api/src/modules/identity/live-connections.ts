import { DomainError } from '../../errors';

/** Server-push streams one user may hold open at once in one API process (tabs, devices). */
export const LIVE_STREAMS_PER_USER = 5;

export class TooManyStreams extends DomainError {
  constructor(limit: number) {
    super(
      'TOO_MANY_REQUESTS',
      'too_many_streams',
      `At most ${limit} live updates may be open at once; close another tab or device and retry`,
      { limit },
    );
  }
}

/**
 * Counts the server-push streams each user holds open and refuses the one past the cap, so one
 * account cannot pin down the process's connections (and the database polls behind them).
 */
export class LiveStreamLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly perUser = LIVE_STREAMS_PER_USER) {}

  /** How many streams `userId` holds open now. */
  openFor(userId: string): number {
    return this.open.get(userId) ?? 0;
  }

  /**
   * Runs `stream` for `userId` when under the cap, counted until it ends however it ends
   * (the client went away, the session ended, the server is stopping).
   */
  async *guard<T>(userId: string, stream: () => AsyncGenerator<T>): AsyncGenerator<T> {
    const held = this.openFor(userId);
    if (held >= this.perUser) throw new TooManyStreams(this.perUser);
    this.open.set(userId, held + 1);
    try {
      yield* stream();
    } finally {
      const left = this.openFor(userId) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    }
  }
}

/** The process's one limit: every live feed (residents' and merchants') counts against it. */
export const liveStreams = new LiveStreamLimit();
