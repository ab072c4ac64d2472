import { communities, merchants, qualityTickets, units, orders, users, type Db } from '@cgp/db';
import { and, asc, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Conflict, NotFound } from '../../errors';
import { afterCursor, decodeCursor, page } from '../../lib/cursor';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor } from '../identity/actor';
import { communityInScope, tenantScopeOf } from '../identity/tenant-scope';
import type { resolveTicketInput, ticketsListInput } from './quality.schema';

/** The tickets the actor may see and handle: those of its scope's communities. */
const ticketInScope = (actor: PropertyActor) =>
  communityInScope(sql`${qualityTickets.communityId}`, tenantScopeOf(actor));

/** The company's quality tickets: open ones oldest first, resolved ones newest first. */
export async function listTickets(
  db: Db,
  actor: PropertyActor,
  input: z.infer<typeof ticketsListInput>,
) {
  const cursor = decodeCursor(input.cursor);
  const direction = input.status === 'resolved' ? 'desc' : 'asc';
  const rows = await db
    .select({
      ticket: qualityTickets,
      merchantName: merchants.name,
      communityName: communities.name,
      unitLabel: units.label,
      ownerName: users.displayName,
    })
    .from(qualityTickets)
    .innerJoin(merchants, eq(merchants.id, qualityTickets.merchantId))
    .innerJoin(communities, eq(communities.id, qualityTickets.communityId))
    .innerJoin(orders, eq(orders.id, qualityTickets.orderId))
    .innerJoin(units, eq(units.id, orders.unitId))
    .innerJoin(users, eq(users.id, qualityTickets.ownerId))
    .where(
      and(
        ticketInScope(actor),
        input.status === 'open' ? isNull(qualityTickets.resolvedAt) : undefined,
        input.status === 'resolved' ? isNotNull(qualityTickets.resolvedAt) : undefined,
        afterCursor(cursor, qualityTickets.openedAt, qualityTickets.id, direction),
      ),
    )
    .orderBy(
      direction === 'asc' ? asc(qualityTickets.openedAt) : desc(qualityTickets.openedAt),
      direction === 'asc' ? asc(qualityTickets.id) : desc(qualityTickets.id),
    )
    .limit(input.limit + 1);
  return page(
    rows,
    input.limit,
    (r) => ({ key: r.ticket.openedAt.toISOString(), id: r.ticket.id }),
    (r) => ({
      id: r.ticket.id,
      orderId: r.ticket.orderId,
      merchantName: r.merchantName,
      communityName: r.communityName,
      unitLabel: r.unitLabel,
      complaint: r.ticket.complaint,
      ownerName: r.ownerName,
      openedAt: r.ticket.openedAt.toISOString(),
      dueAt: r.ticket.dueAt.toISOString(),
      resolvedAt: r.ticket.resolvedAt?.toISOString() ?? null,
      resolution: r.ticket.resolution,
      /** Opened to resolved, in hours; null while open. */
      handlingHours: r.ticket.resolvedAt
        ? Math.round(
            ((r.ticket.resolvedAt.getTime() - r.ticket.openedAt.getTime()) / 3.6e6) * 100,
          ) / 100
        : null,
      overdue: !r.ticket.resolvedAt && r.ticket.dueAt < new Date(),
    }),
  );
}

/** Closes a ticket with its resolution, once; its handling time is opened → resolved. */
export async function resolveTicket(
  db: Db,
  actor: PropertyActor,
  input: z.infer<typeof resolveTicketInput>,
) {
  return db.transaction(async (tx) => {
    const mine = and(eq(qualityTickets.id, input.id), ticketInScope(actor));
    const [ticket] = await tx
      .update(qualityTickets)
      .set({ resolvedAt: sql`now()`, resolvedBy: actor.id, resolution: input.resolution })
      .where(and(mine, isNull(qualityTickets.resolvedAt)))
      .returning();
    if (!ticket) {
      const [existing] = await tx
        .select({ id: qualityTickets.id })
        .from(qualityTickets)
        .where(mine);
      if (!existing) throw new NotFound('Ticket');
      throw new Conflict('already_resolved', 'This ticket has already been resolved');
    }
    await recordAudit(tx, {
      actor,
      action: 'quality.resolveTicket',
      subjectType: 'quality_ticket',
      subjectId: ticket.id,
      after: { resolution: input.resolution },
    });
    return { id: ticket.id, resolvedAt: ticket.resolvedAt!.toISOString() };
  });
}
