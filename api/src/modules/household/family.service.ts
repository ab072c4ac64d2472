import { buildings, communities, familyMembers, units, users, type Db, type DbOrTx } from '@cgp/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { BadRequest, Conflict, NotFound } from '../../errors';
import type { ResidentActor } from '../identity/actor';
import { MAX_FAMILY_MEMBERS, type FamilyMemberFields } from './family.schema';

/** 小区 楼栋 房号, as an order's address reads. */
export const unitAddress = sql<string>`${communities.name} || ' ' || ${buildings.name} || ' ' || ${units.label}`;

function selectFamily(db: DbOrTx) {
  return db
    .select({
      id: familyMembers.id,
      name: familyMembers.name,
      relation: familyMembers.relation,
      age: familyMembers.age,
      needs: familyMembers.needs,
      emergencyName: familyMembers.emergencyName,
      emergencyPhone: familyMembers.emergencyPhone,
      unitId: familyMembers.unitId,
      unitLabel: units.label,
      address: unitAddress,
    })
    .from(familyMembers)
    .innerJoin(units, eq(units.id, familyMembers.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .innerJoin(communities, eq(communities.id, units.communityId))
    .$dynamic();
}

/** The resident's own saved family member, or none: another's entry is as absent as a removed one. */
const ownMember = (actor: ResidentActor, id: string) =>
  and(
    eq(familyMembers.id, id),
    eq(familyMembers.ownerId, actor.id),
    isNull(familyMembers.removedAt),
    eq(familyMembers.communityId, actor.communityId),
  );

export async function listFamily(db: Db, actor: ResidentActor) {
  const items = await selectFamily(db)
    .where(and(eq(familyMembers.ownerId, actor.id), isNull(familyMembers.removedAt)))
    .orderBy(asc(familyMembers.createdAt), asc(familyMembers.id));
  return { items };
}

/** One of the resident's family members with the address orders for them are served at. */
export async function familyMemberOf(db: DbOrTx, actor: ResidentActor, id: string) {
  const [row] = await selectFamily(db).where(ownMember(actor, id));
  if (!row) throw new NotFound('Family member');
  return row;
}

/** A unit the resident may name for a family member: one of their own community (SPEC §1). */
async function assertUnitInCommunity(db: DbOrTx, actor: ResidentActor, unitId: string) {
  const [unit] = await db
    .select({ id: units.id })
    .from(units)
    .where(and(eq(units.id, unitId), eq(units.communityId, actor.communityId)));
  if (!unit) {
    throw new BadRequest('unit_outside_community', 'The unit must be in your own community', {
      field: 'unitId',
    });
  }
}

const columns = (input: FamilyMemberFields) => ({
  name: input.name,
  relation: input.relation,
  age: input.age,
  needs: input.needs,
  emergencyName: input.emergencyName,
  emergencyPhone: input.emergencyPhone,
  unitId: input.unitId,
});

/**
 * Saves a family member. The resident's row is locked for the count, so parallel requests cannot
 * pass the limit together.
 */
export async function createFamilyMember(db: Db, actor: ResidentActor, input: FamilyMemberFields) {
  const id = await db.transaction(async (tx) => {
    await assertUnitInCommunity(tx, actor, input.unitId);
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).for('update');
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(familyMembers)
      .where(and(eq(familyMembers.ownerId, actor.id), isNull(familyMembers.removedAt)));
    if (n >= MAX_FAMILY_MEMBERS) {
      throw new Conflict('family_full', `At most ${MAX_FAMILY_MEMBERS} family members`, {
        max: MAX_FAMILY_MEMBERS,
      });
    }
    const [row] = await tx
      .insert(familyMembers)
      .values({ ...columns(input), ownerId: actor.id, communityId: actor.communityId })
      .returning({ id: familyMembers.id });
    return row!.id;
  });
  return familyMemberOf(db, actor, id);
}

export async function updateFamilyMember(
  db: Db,
  actor: ResidentActor,
  input: FamilyMemberFields & { id: string },
) {
  await db.transaction(async (tx) => {
    await assertUnitInCommunity(tx, actor, input.unitId);
    const updated = await tx
      .update(familyMembers)
      .set({ ...columns(input), updatedAt: sql`now()` })
      .where(ownMember(actor, input.id))
      .returning({ id: familyMembers.id });
    if (!updated.length) throw new NotFound('Family member');
  });
  return familyMemberOf(db, actor, input.id);
}

/** Removes a family member from the list; orders booked for them keep their snapshot. */
export async function removeFamilyMember(db: Db, actor: ResidentActor, id: string) {
  const removed = await db
    .update(familyMembers)
    .set({ removedAt: sql`now()`, updatedAt: sql`now()` })
    .where(ownMember(actor, id))
    .returning({ id: familyMembers.id });
  if (!removed.length) throw new NotFound('Family member');
  return { id };
}

/**
 * `me.addresses.list`: where the resident can have a service delivered — home first, then the
 * units of their family members — each with who lives there.
 */
export async function listAddresses(db: Db, actor: ResidentActor) {
  const { items: family } = await listFamily(db, actor);
  const [home] = await db
    .select({ unitId: units.id, unitLabel: units.label, address: unitAddress })
    .from(units)
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .innerJoin(communities, eq(communities.id, units.communityId))
    .where(eq(units.id, actor.unitId));
  const places = new Map<
    string,
    { unitId: string; unitLabel: string; address: string; home: boolean; people: string[] }
  >();
  if (home) places.set(home.unitId, { ...home, home: true, people: [] });
  for (const member of family) {
    const place = places.get(member.unitId) ?? {
      unitId: member.unitId,
      unitLabel: member.unitLabel,
      address: member.address,
      home: false,
      people: [],
    };
    place.people.push(member.name);
    places.set(member.unitId, place);
  }
  return { items: [...places.values()] };
}

/** `me.addresses.units`: the units of the resident's community, to say where a family member lives. */
export async function listCommunityUnits(db: Db, actor: ResidentActor) {
  const items = await db
    .select({ id: units.id, label: units.label, building: buildings.name })
    .from(units)
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(eq(units.communityId, actor.communityId))
    .orderBy(asc(buildings.number), asc(units.room));
  return { items };
}
