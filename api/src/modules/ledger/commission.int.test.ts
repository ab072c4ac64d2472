import { auditLog, commissionRules, orders } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  payOrder,
  type PaymentTestDeps,
} from '../../testing';
import { commissionFor } from './commission';

let deps: PaymentTestDeps;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
});
afterAll(() => deps.teardown());

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) =>
      e instanceof TRPCError
        ? [e.code, (e.cause as { reason?: string } | undefined)?.reason ?? ''].join(' ').trim()
        : String(e),
  );
const codeOf = async (p: Promise<unknown>) => (await failureOf(p)).split(' ')[0];

async function market() {
  const f = deps.factories;
  const m = await f.createMarketplace();
  const opsUser = await f.createPropertyUser(m.community.companyId, 'property_ops');
  const ops = await callerFor(deps, opsUser.id);
  const bps = async (id: string) =>
    (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!.platformBps;
  const paidOrder = async () => {
    const order = await bookSlot(
      deps,
      m.resident.id,
      (await f.createSlot({ serviceId: m.service.id })).id,
    );
    await payOrder(deps, order.id);
    return order.id;
  };
  return { m, ops, bps, paidOrder };
}

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('commission rule scope', () => {
  it('refuses a rule without a scope and writes nothing', async () => {
    const { m, ops } = await market();
    const count = async () =>
      (
        await deps.db
          .select()
          .from(commissionRules)
          .where(eq(commissionRules.companyId, m.community.companyId))
      ).length;
    const base = { platformBps: 3000, effectiveFrom: inSeconds(-1) };
    // The old shape (nothing chosen meant company-wide) and an empty or unknown scope all fail.
    for (const input of [
      base,
      { ...base, scope: undefined },
      { ...base, scope: {} },
      { ...base, scope: { kind: 'merchant' } },
      { ...base, scope: { kind: 'merchant', merchantId: '' } },
      { ...base, scope: { kind: 'category' } },
      { ...base, scope: { kind: 'everyone' } },
    ]) {
      expect(await codeOf(ops.commission.create(input as never))).toBe('BAD_REQUEST');
    }
    expect(await count()).toBe(0);

    // Company-wide is a choice made on purpose.
    const rule = await ops.commission.create({ ...base, scope: { kind: 'company' } });
    expect(rule).toMatchObject({ merchantId: null, category: null, scope: { kind: 'company' } });
    expect(await count()).toBe(1);
  });
});

describe('ending and changing a rule from a date', () => {
  it('keeps the old rate for orders paid before the end and gives the next rule after', async () => {
    const { m, ops, bps, paidOrder } = await market();
    await ops.commission.create({
      scope: { kind: 'category', category: m.service.category },
      platformBps: 2000,
      effectiveFrom: inSeconds(-60),
    });
    const merchantRule = await ops.commission.create({
      scope: { kind: 'merchant', merchantId: m.merchant.id },
      platformBps: 1000,
      effectiveFrom: inSeconds(-60),
    });
    const endsAt = inSeconds(3);

    // The preview names what applies after: the category rule.
    const preview = await ops.commission.preview({ ruleId: merchantRule.id, at: endsAt });
    expect(preview.next.platformBps).toBe(2000);

    const ended = await ops.commission.end({ ruleId: merchantRule.id, endsAt, note: '合同到期' });
    expect(ended.effectiveTo).toBe(new Date(endsAt).toISOString());

    const at = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms);
    const rateAt = async (when: Date) =>
      (
        await commissionFor(deps.db, {
          companyId: m.community.companyId,
          merchantId: m.merchant.id,
          category: m.service.category,
          at: when,
        })
      ).platformBps;
    expect(await rateAt(at(endsAt, -1))).toBe(1000);
    expect(await rateAt(at(endsAt, 0))).toBe(2000);

    const before = await paidOrder();
    await sleep(Math.max(0, new Date(endsAt).getTime() - Date.now()) + 1100);
    const after = await paidOrder();
    expect(await bps(before)).toBe(1000);
    expect(await bps(after)).toBe(2000);

    // Ending twice is a conflict; the audit log keeps who ended it and why.
    expect(
      await codeOf(ops.commission.end({ ruleId: merchantRule.id, endsAt: inSeconds(60) })),
    ).toBe('CONFLICT');
    const entries = await deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, merchantRule.id));
    expect(entries.map((e) => e.action).sort()).toEqual(['commission.create', 'commission.end']);
  });

  it('changes a rate from a date: the old rule ends there and a rule for the same scope follows', async () => {
    const { m, ops } = await market();
    const rule = await ops.commission.create({
      scope: { kind: 'merchant', merchantId: m.merchant.id },
      platformBps: 1500,
      effectiveFrom: inSeconds(-60),
    });
    const from = inSeconds(3600);
    const next = await ops.commission.update({
      ruleId: rule.id,
      platformBps: 1250,
      effectiveFrom: from,
    });
    expect(next).toMatchObject({
      platformBps: 1250,
      replacesRuleId: rule.id,
      scope: { kind: 'merchant', merchantId: m.merchant.id },
      effectiveFrom: new Date(from).toISOString(),
      effectiveTo: null,
    });
    const rateAt = async (when: Date) =>
      (
        await commissionFor(deps.db, {
          companyId: m.community.companyId,
          merchantId: m.merchant.id,
          category: m.service.category,
          at: when,
        })
      ).platformBps;
    expect(await rateAt(new Date())).toBe(1500);
    expect(await rateAt(new Date(from))).toBe(1250);
    const rules = await ops.commission.list();
    expect(rules.items.find((r) => r.id === rule.id)?.effectiveTo).toBe(
      new Date(from).toISOString(),
    );
  });

  it('refuses dates in the past or before the rule starts, and rules of another company', async () => {
    const { m, ops } = await market();
    const other = await market();
    const rule = await ops.commission.create({
      scope: { kind: 'company' },
      platformBps: 2500,
      effectiveFrom: inSeconds(600),
    });
    expect(
      await failureOf(ops.commission.end({ ruleId: rule.id, endsAt: inSeconds(-3600) })),
    ).toMatch(/^BAD_REQUEST/);
    expect(
      await failureOf(ops.commission.end({ ruleId: rule.id, endsAt: inSeconds(300) })),
    ).toMatch(/^BAD_REQUEST/);
    expect(
      await codeOf(other.ops.commission.end({ ruleId: rule.id, endsAt: inSeconds(3600) })),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        other.ops.commission.update({
          ruleId: rule.id,
          platformBps: 1,
          effectiveFrom: inSeconds(3600),
        }),
      ),
    ).toBe('NOT_FOUND');
    const [row] = await deps.db
      .select()
      .from(commissionRules)
      .where(eq(commissionRules.id, rule.id));
    expect(row!.effectiveTo).toBeNull();
    expect(m.community.companyId).not.toBe(other.m.community.companyId);
  });
});
