import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from './context';
import { tokenFor, createTestDeps, type TestDeps } from './testing';
import {
  authedProcedure,
  createCallerFactory,
  merchantOwnerProcedure,
  merchantProcedure,
  opsProcedure,
  propertyProcedure,
  residentProcedure,
  router,
} from './trpc';

// A router of probes: one procedure per narrowing, each echoing what the narrowed context holds.
const probes = router({
  authed: authedProcedure.query(({ ctx }) => ctx.actor.role),
  resident: residentProcedure.query(({ ctx }) => ctx.actor.communityId),
  merchant: merchantProcedure.query(({ ctx }) => ctx.actor.merchantId),
  merchantOwner: merchantOwnerProcedure.query(({ ctx }) => ctx.actor.merchantRole),
  property: propertyProcedure.query(({ ctx }) => ctx.actor.companyId),
  ops: opsProcedure.query(({ ctx }) => ctx.actor.role),
});
const createProbeCaller = createCallerFactory(probes);
type Probe = keyof typeof probes._def.procedures;

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

async function outcome(userId: string | null, probe: Probe): Promise<string> {
  const token = userId ? await tokenFor(deps, userId) : null;
  const caller = createProbeCaller(await createContextInner({ deps, token }));
  try {
    await caller[probe]();
    return 'ok';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('role-narrowed procedures', () => {
  it('let through exactly the roles they are for', async () => {
    const f = deps.factories;
    const { merchant, owner, resident, community } = await f.createMarketplace();
    const staff = await f.createMerchantStaff(merchant.id, 'staff');
    const auditor = await f.createPropertyUser(community.companyId, 'property_auditor');
    const ops = await f.createPropertyUser(community.companyId, 'property_ops');
    const users = {
      anonymous: null,
      resident: resident.id,
      owner: owner.id,
      staff: staff.id,
      auditor: auditor.id,
      ops: ops.id,
    };
    const expected: Record<Probe, Record<keyof typeof users, string>> = {
      authed: {
        anonymous: 'UNAUTHORIZED',
        resident: 'ok',
        owner: 'ok',
        staff: 'ok',
        auditor: 'ok',
        ops: 'ok',
      },
      resident: {
        anonymous: 'UNAUTHORIZED',
        resident: 'ok',
        owner: 'FORBIDDEN',
        staff: 'FORBIDDEN',
        auditor: 'FORBIDDEN',
        ops: 'FORBIDDEN',
      },
      merchant: {
        anonymous: 'UNAUTHORIZED',
        resident: 'FORBIDDEN',
        owner: 'ok',
        staff: 'ok',
        auditor: 'FORBIDDEN',
        ops: 'FORBIDDEN',
      },
      merchantOwner: {
        anonymous: 'UNAUTHORIZED',
        resident: 'FORBIDDEN',
        owner: 'ok',
        staff: 'FORBIDDEN',
        auditor: 'FORBIDDEN',
        ops: 'FORBIDDEN',
      },
      property: {
        anonymous: 'UNAUTHORIZED',
        resident: 'FORBIDDEN',
        owner: 'FORBIDDEN',
        staff: 'FORBIDDEN',
        auditor: 'ok',
        ops: 'ok',
      },
      ops: {
        anonymous: 'UNAUTHORIZED',
        resident: 'FORBIDDEN',
        owner: 'FORBIDDEN',
        staff: 'FORBIDDEN',
        auditor: 'FORBIDDEN',
        ops: 'ok',
      },
    };
    const actual: Record<string, Record<string, string>> = {};
    for (const probe of Object.keys(expected) as Probe[]) {
      actual[probe] = {};
      for (const [who, id] of Object.entries(users)) actual[probe][who] = await outcome(id, probe);
    }
    expect(actual).toEqual(expected);
  });

  it('hands the narrowed actor to the procedure', async () => {
    const { resident, merchant, owner } = await deps.factories.createMarketplace();
    const asResident = createProbeCaller(
      await createContextInner({ deps, token: await tokenFor(deps, resident.id) }),
    );
    expect(await asResident.resident()).toBe(resident.community.id);
    const asOwner = createProbeCaller(
      await createContextInner({ deps, token: await tokenFor(deps, owner.id) }),
    );
    expect(await asOwner.merchant()).toBe(merchant.id);
  });
});
