import { sql } from 'drizzle-orm';
import { check, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { communities, units } from './tenancy';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * A resident's saved care recipient (家人): a parent or child they book for, living in a unit of
 * the same community (SPEC §1: a resident acts only within their community). Orders booked for
 * them are served at that unit and keep a snapshot of the profile; removing a profile keeps the
 * row for those orders and hides it from the list.
 */
export const familyMembers = pgTable(
  'family_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    name: text('name').notNull(),
    relation: text('relation').notNull(),
    age: smallint('age').notNull(),
    needs: text('needs').notNull().default(''),
    emergencyName: text('emergency_name').notNull().default(''),
    emergencyPhone: text('emergency_phone').notNull().default(''),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    removedAt: ts('removed_at'),
  },
  (t) => [
    check('family_members_age_ck', sql`${t.age} BETWEEN 1 AND 120`),
    index('family_members_owner_idx').on(t.ownerId),
  ],
);
