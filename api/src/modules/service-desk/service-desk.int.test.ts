import { auditLog, propertyCompanies } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, type TestDeps } from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

/** A company with one community, its staff and a resident; and a second company beside it. */
async function twoCompanies() {
  const f = deps.factories;
  const market = await f.createMarketplace();
  const companyId = market.community.companyId;
  const ops = await f.createPropertyUser(companyId, 'property_ops');
  const auditor = await f.createPropertyUser(companyId, 'property_auditor');
  const other = await f.createMarketplace();
  const otherOps = await f.createPropertyUser(other.community.companyId, 'property_ops');
  return { ...market, companyId, ops, auditor, other, otherOps };
}

const DESK = { phone: '0571-88886666', hours: '每天 8:00–20:00' };

describe('the property service desk (客服)', () => {
  it('is set by ops, audit-logged, and shown to the company’s residents and staff', async () => {
    const { companyId, ops, auditor, resident } = await twoCompanies();
    const asResident = await callerFor(deps, resident.id);
    expect(await asResident.me.serviceDesk()).toBeNull();

    const asOps = await callerFor(deps, ops.id);
    expect(
      await asOps.console.serviceDesk.set({ phone: ' 0571-88886666 ', hours: DESK.hours }),
    ).toEqual(DESK);
    expect(await asResident.me.serviceDesk()).toEqual(DESK);
    expect(await (await callerFor(deps, auditor.id)).console.serviceDesk.get()).toEqual(DESK);

    const audit = await deps.db.select().from(auditLog).where(eq(auditLog.companyId, companyId));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'serviceDesk.set',
      actorId: ops.id,
      before: null,
      after: DESK,
    });
  });

  it('is each company’s own: another company’s ops change only theirs', async () => {
    const { ops, other, otherOps, resident } = await twoCompanies();
    await (await callerFor(deps, ops.id)).console.serviceDesk.set(DESK);
    await (
      await callerFor(deps, otherOps.id)
    ).console.serviceDesk.set({
      phone: '400-800-1234',
      hours: '工作日 9:00–18:00',
    });
    expect(await (await callerFor(deps, resident.id)).me.serviceDesk()).toEqual(DESK);
    expect(await (await callerFor(deps, other.resident.id)).me.serviceDesk()).toEqual({
      phone: '400-800-1234',
      hours: '工作日 9:00–18:00',
    });
  });

  it('cannot be set by residents, merchants or auditors, nor read by residents through the console', async () => {
    const { companyId, auditor, resident, owner } = await twoCompanies();
    const asResident = await callerFor(deps, resident.id);
    expect(await codeOf(asResident.console.serviceDesk.set(DESK))).toBe('FORBIDDEN');
    expect(await codeOf(asResident.console.serviceDesk.get())).toBe('FORBIDDEN');
    const asOwner = await callerFor(deps, owner.id);
    expect(await codeOf(asOwner.console.serviceDesk.set(DESK))).toBe('FORBIDDEN');
    expect(await codeOf(asOwner.me.serviceDesk())).toBe('FORBIDDEN');
    const asAuditor = await callerFor(deps, auditor.id);
    expect(await codeOf(asAuditor.console.serviceDesk.set(DESK))).toBe('FORBIDDEN');
    expect(await codeOf((await callerFor(deps)).console.serviceDesk.set(DESK))).toBe(
      'UNAUTHORIZED',
    );
    const [company] = await deps.db
      .select()
      .from(propertyCompanies)
      .where(eq(propertyCompanies.id, companyId));
    expect(company!.serviceDeskPhone).toBeNull();
  });

  it('refuses a number that is not one, or empty hours, with a 400 and no write', async () => {
    const { companyId, ops } = await twoCompanies();
    const asOps = await callerFor(deps, ops.id);
    for (const bad of [
      { phone: 'call us', hours: DESK.hours },
      { phone: '12', hours: DESK.hours },
      { phone: '0571-8888\u0000', hours: DESK.hours },
      { phone: DESK.phone, hours: '   ' },
      { phone: DESK.phone, hours: 'x'.repeat(10_000) },
    ]) {
      expect(await codeOf(asOps.console.serviceDesk.set(bad))).toBe('BAD_REQUEST');
    }
    const [company] = await deps.db
      .select()
      .from(propertyCompanies)
      .where(eq(propertyCompanies.id, companyId));
    expect(company!.serviceDeskPhone).toBeNull();
    const audit = await deps.db.select().from(auditLog).where(eq(auditLog.companyId, companyId));
    expect(audit).toHaveLength(0);
  });
});
