import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { SERVICE_RINGS } from './order-values';

/** The property company (物业公司) that runs the marketplace for its communities. */
export const propertyCompanies = pgTable('property_companies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** The property service desk (客服) residents call: its phone and opening hours, set by ops. */
  serviceDeskPhone: text('service_desk_phone'),
  serviceDeskHours: text('service_desk_hours'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** A residential community (小区). Everything in the product carries its community. */
export const communities = pgTable(
  'communities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    companyId: uuid('company_id')
      .notNull()
      .references(() => propertyCompanies.id),
    name: text('name').notNull(),
    address: text('address').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('communities_company_idx').on(t.companyId)],
);

/** 360° 服务圈: where a building lies from its community's service centre (SPEC §12). */
export const serviceRing = pgEnum('service_ring', SERVICE_RINGS);

/** A building (楼栋) of a community, numbered 1, 2, 3 … */
export const buildings = pgTable(
  'buildings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    number: integer('number').notNull(),
    name: text('name').notNull(),
    /** 360° 服务圈 ring around the community's service centre, set by property_ops. */
    ring: serviceRing('ring').notNull().default('service'),
  },
  (t) => [unique('buildings_community_number_uq').on(t.communityId, t.number)],
);

/** A flat (房号) such as 1-101: building 1, room 101. */
export const units = pgTable(
  'units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    // Denormalised from the building so that community scoping is one join away.
    communityId: uuid('community_id')
      .notNull()
      .references(() => communities.id),
    room: text('room').notNull(),
    label: text('label').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    unique('units_building_room_uq').on(t.buildingId, t.room),
    index('units_community_idx').on(t.communityId),
  ],
);
