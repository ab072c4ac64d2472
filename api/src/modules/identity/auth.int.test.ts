import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../../context';
import { createCaller } from '../../router';
import { callerFor, createTestDeps, type TestDeps } from '../../testing';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from './login-limiter';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

/** A caller with a cookie jar that records what the procedure set. */
async function anonymous(ip = '10.0.0.1', using: TestDeps = deps) {
  const jar = { token: null as string | null, cleared: false };
  const caller = createCaller(
    await createContextInner({
      deps: using,
      ip,
      cookies: {
        set: (token) => (jar.token = token),
        clear: () => (jar.cleared = true),
      },
    }),
  );
  return { caller, jar };
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('auth.login', () => {
  it('signs a resident in, sets the session cookie and resolves auth.me', async () => {
    const resident = await deps.factories.createResident();
    const { caller, jar } = await anonymous();
    const result = await caller.auth.login({ phone: resident.phone, password: resident.password });
    expect(result.user).toMatchObject({
      id: resident.id,
      role: 'resident',
      communityId: resident.community.id,
    });
    expect(result.token).toBeUndefined();
    expect(jar.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await createCaller(await createContextInner({ deps, token: jar.token })).auth.me();
    expect(me).toMatchObject({
      id: resident.id,
      role: 'resident',
      displayName: resident.displayName,
      address: `测试小区 1号楼 ${resident.unit.label}`,
    });
  });

  it('returns the token in the body only to clients that ask for it', async () => {
    const resident = await deps.factories.createResident();
    const { caller } = await anonymous();
    const result = await caller.auth.login({
      phone: resident.phone,
      password: resident.password,
      tokenInBody: true,
    });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a wrong password and an unknown phone with the same message', async () => {
    const resident = await deps.factories.createResident();
    const { caller, jar } = await anonymous('10.0.0.2');
    const wrong = await errorOf(
      caller.auth.login({ phone: resident.phone, password: 'nope-nope' }),
    );
    const unknown = await errorOf(
      caller.auth.login({ phone: '19912345678', password: 'whatever1' }),
    );
    for (const error of [wrong, unknown]) {
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toBe('Phone number or password is incorrect');
    }
    expect(jar.token).toBeNull();
  });

  it('refuses a malformed phone as BAD_REQUEST', async () => {
    const { caller } = await anonymous();
    for (const phone of ['12345', '2380000000a', '', '1380000000012']) {
      const error = await errorOf(caller.auth.login({ phone, password: 'x' }));
      expect(error.code).toBe('BAD_REQUEST');
    }
  });

  it('refuses the 11th guess at one account from one address, and even the right password then', async () => {
    const resident = await deps.factories.createResident();
    const limiter = new LoginLimiter(deps.redis, `${deps.env.REDIS_PREFIX}:t1`, {
      ...DEFAULT_LOGIN_LIMITS,
      freeGuessesPerAccount: 100,
    });
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const guess = await limiter.reserve(resident.phone, '10.1.0.1');
      codes.push(guess.allowed ? 'checked' : 'refused');
      if (guess.allowed) await guess.release('failure');
    }
    expect(codes).toEqual([...Array<string>(10).fill('checked'), 'refused']);
    // Another address still gets its own guesses.
    expect((await limiter.reserve(resident.phone, '10.1.0.2')).allowed).toBe(true);
  });

  it('slows guesses from unfamiliar addresses with growing delays instead of locking the account', async () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(
      deps.redis,
      `${deps.env.REDIS_PREFIX}:t2`,
      DEFAULT_LOGIN_LIMITS,
      () => now,
    );
    const phone = '13700009999';
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      // A new address each time: the account's delays hold however the attacker spreads out.
      let guess = await limiter.reserve(phone, `10.7.0.${i}`);
      waits.push(guess.allowed ? 0 : guess.retryAfterSeconds);
      if (!guess.allowed) {
        now += guess.retryAfterSeconds * 1000;
        guess = await limiter.reserve(phone, `10.7.0.${i}`);
      }
      expect(guess.allowed).toBe(true);
      if (guess.allowed) await guess.release('failure');
    }
    // Six guesses go at once; then each waits twice as long as the one before: 1 s, 2 s, 4 s, …
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 4, 8]);
  });

  it("lets the owner sign in from their own address while someone else's guesses delay the account", async () => {
    const resident = await deps.factories.createResident();
    // The clock stands still, so the account's delays cannot run out while a slow machine works
    // through forty guesses.
    const frozen: TestDeps = {
      ...deps,
      loginLimiter: new LoginLimiter(
        deps.redis,
        `${deps.env.REDIS_PREFIX}:frozen`,
        DEFAULT_LOGIN_LIMITS,
        () => 1_800_000_000_000,
      ),
    };
    const home = '10.8.0.1';
    const owner = await anonymous(home, frozen);
    await owner.caller.auth.login({ phone: resident.phone, password: resident.password });

    // An attacker spread over forty addresses guesses until every guess is refused.
    const attempts: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { caller } = await anonymous(`10.8.1.${i}`, frozen);
      attempts.push(
        (await errorOf(caller.auth.login({ phone: resident.phone, password: `guess-${i}` }))).code,
      );
    }
    expect(attempts.filter((c) => c === 'UNAUTHORIZED').length).toBeLessThanOrEqual(6);
    expect(attempts.at(-1)).toBe('TOO_MANY_REQUESTS');

    // The owner, at home, is not held up at all.
    const again = await anonymous(home, frozen);
    const result = await again.caller.auth.login({
      phone: resident.phone,
      password: resident.password,
    });
    expect(result.user.id).toBe(resident.id);
    expect(again.jar.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('limits guesses per address across accounts', async () => {
    const ip = '10.2.0.1';
    const limit = deps.loginLimiter.limits.guessesPerSource;
    for (let i = 0; i < limit; i++) {
      const guess = await deps.loginLimiter.reserve(`1370000${String(i).padStart(4, '0')}`, ip);
      expect(guess.allowed).toBe(true);
      if (guess.allowed) await guess.release('failure');
    }
    const resident = await deps.factories.createResident();
    const { caller } = await anonymous(ip);
    const error = await errorOf(
      caller.auth.login({ phone: resident.phone, password: resident.password }),
    );
    expect(error.code).toBe('TOO_MANY_REQUESTS');
  });

  it('refuses a disabled user', async () => {
    const { users } = await import('@cgp/db');
    const { eq } = await import('drizzle-orm');
    const resident = await deps.factories.createResident();
    await deps.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, resident.id));
    const { caller } = await anonymous('10.3.0.1');
    const error = await errorOf(
      caller.auth.login({ phone: resident.phone, password: resident.password }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
  });
});

describe('sessions', () => {
  it('logout revokes the token server-side and clears the cookie', async () => {
    const resident = await deps.factories.createResident();
    const { caller, jar } = await anonymous('10.4.0.1');
    await caller.auth.login({ phone: resident.phone, password: resident.password });
    const token = jar.token!;
    const signedIn = createCaller(
      await createContextInner({
        deps,
        token,
        cookies: { set: () => {}, clear: () => (jar.cleared = true) },
      }),
    );
    await expect(signedIn.auth.logout()).resolves.toEqual({ ok: true });
    expect(jar.cleared).toBe(true);

    const after = createCaller(await createContextInner({ deps, token }));
    expect((await errorOf(after.auth.me())).code).toBe('UNAUTHORIZED');
  });

  it('ignores unknown, garbage and expired tokens', async () => {
    const resident = await deps.factories.createResident();
    const { sessions } = await import('@cgp/db');
    const { eq } = await import('drizzle-orm');
    const { hashToken, createSession } = await import('./session.service');
    const { token } = await createSession(deps.db, {
      userId: resident.id,
      ttlHours: 1,
      userAgent: '',
      ip: '',
    });
    await deps.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.tokenHash, hashToken(token)));
    for (const t of [token, 'x'.repeat(43), "'; DROP TABLE users; --", '']) {
      const caller = createCaller(await createContextInner({ deps, token: t }));
      expect((await errorOf(caller.auth.me())).code).toBe('UNAUTHORIZED');
    }
  });

  it('changes the password, ending every other session but keeping this one', async () => {
    const resident = await deps.factories.createResident();
    const signIn = async (ip: string) => {
      const { caller, jar } = await anonymous(ip);
      await caller.auth.login({ phone: resident.phone, password: resident.password });
      return jar.token!;
    };
    const [phone, laptop, tablet] = [
      await signIn('10.6.0.1'),
      await signIn('10.6.0.2'),
      await signIn('10.6.0.3'),
    ];
    const onPhone = createCaller(await createContextInner({ deps, token: phone, ip: '10.6.0.1' }));

    const wrong = await errorOf(
      onPhone.auth.changePassword({ currentPassword: 'not-it', newPassword: 'a-new-secret-1' }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    const tooShort = await errorOf(
      onPhone.auth.changePassword({ currentPassword: resident.password, newPassword: 'short' }),
    );
    expect(tooShort.code).toBe('BAD_REQUEST');

    await expect(
      onPhone.auth.changePassword({
        currentPassword: resident.password,
        newPassword: 'a-new-secret-1',
      }),
    ).resolves.toEqual({ otherSessionsEnded: 2 });
    for (const other of [laptop, tablet]) {
      const caller = createCaller(await createContextInner({ deps, token: other }));
      expect((await errorOf(caller.auth.me())).code).toBe('UNAUTHORIZED');
    }
    const stillIn = createCaller(await createContextInner({ deps, token: phone }));
    expect((await stillIn.auth.me()).id).toBe(resident.id);

    const { caller } = await anonymous('10.6.0.1');
    expect(
      (await errorOf(caller.auth.login({ phone: resident.phone, password: resident.password })))
        .code,
    ).toBe('UNAUTHORIZED');
    const fresh = await caller.auth.login({ phone: resident.phone, password: 'a-new-secret-1' });
    expect(fresh.user.id).toBe(resident.id);
  });

  it('ends a session left idle past its limit, sooner for staff', async () => {
    const { sessions } = await import('@cgp/db');
    const { eq } = await import('drizzle-orm');
    const { hashToken } = await import('./session.service');
    const resident = await deps.factories.createResident();
    const { caller, jar } = await anonymous('10.6.1.1');
    await caller.auth.login({ phone: resident.phone, password: resident.password });
    const auditor = await deps.factories.createPropertyUser(
      resident.community.companyId,
      'property_auditor',
    );
    const staff = await anonymous('10.6.1.2');
    await staff.caller.auth.login({ phone: auditor.phone, password: auditor.password });

    const [residentRow] = await deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(jar.token!)));
    const [staffRow] = await deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(staff.jar.token!)));
    expect(residentRow!.idleSeconds).toBe(deps.env.SESSION_IDLE_HOURS * 3600);
    expect(staffRow!.idleSeconds).toBe(deps.env.STAFF_SESSION_IDLE_MINUTES * 60);

    // Used a while ago but within its limit: still good, and the use is recorded.
    const recently = new Date(Date.now() - 10 * 60_000);
    await deps.db.update(sessions).set({ lastSeenAt: recently });
    const me = createCaller(await createContextInner({ deps, token: jar.token }));
    expect((await me.auth.me()).id).toBe(resident.id);
    const [touched] = await deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(jar.token!)));
    expect(touched!.lastSeenAt.getTime()).toBeGreaterThan(recently.getTime());

    // Idle past the staff limit (but not the resident's): the staff session is over.
    const idle = new Date(Date.now() - (deps.env.STAFF_SESSION_IDLE_MINUTES + 1) * 60_000);
    await deps.db.update(sessions).set({ lastSeenAt: idle });
    const staffMe = createCaller(await createContextInner({ deps, token: staff.jar.token }));
    expect((await errorOf(staffMe.auth.me())).code).toBe('UNAUTHORIZED');
    expect(
      (await createCaller(await createContextInner({ deps, token: jar.token })).auth.me()).id,
    ).toBe(resident.id);
  });

  it('stores only a hash of the token', async () => {
    const resident = await deps.factories.createResident();
    const { caller, jar } = await anonymous('10.5.0.1');
    await caller.auth.login({ phone: resident.phone, password: resident.password });
    const { sessions } = await import('@cgp/db');
    const rows = await deps.db.select().from(sessions);
    expect(rows.some((r) => r.tokenHash === jar.token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('answers auth.me for every role with what the apps need', async () => {
    const { merchant, owner, community } = await deps.factories.createMarketplace();
    const auditor = await deps.factories.createPropertyUser(
      community.companyId,
      'property_auditor',
    );
    expect(await (await callerFor(deps, owner.id)).auth.me()).toMatchObject({
      role: 'merchant_staff',
      merchantId: merchant.id,
      merchantRole: 'owner',
    });
    expect(await (await callerFor(deps, auditor.id)).auth.me()).toMatchObject({
      role: 'property_auditor',
      companyId: community.companyId,
    });
    expect((await errorOf((await callerFor(deps)).auth.me())).code).toBe('UNAUTHORIZED');
  });
});
