import { sql, type SQL } from 'drizzle-orm';
import { Forbidden } from '../../errors';
import { isPlatformAdmin, isPropertyStaff, type Actor } from './actor';

/**
 * What a property role or the platform operator may see, decided here and nowhere else (SPEC §1):
 * property staff see their own company (reports, invariants, reconciliation findings, settlement
 * runs, queue actions); the platform operator sees the whole deployment, but no resident's
 * personal data (the procedures it may call return none).
 */
export type TenantScope = { kind: 'company'; companyId: string } | { kind: 'deployment' };

export function tenantScopeOf(actor: Actor): TenantScope {
  if (isPropertyStaff(actor)) return { kind: 'company', companyId: actor.companyId };
  if (isPlatformAdmin(actor)) return { kind: 'deployment' };
  throw new Forbidden('Only property staff or the platform operator may see this');
}

/** The company's scope: what a property actor (already narrowed by its procedure) sees. */
export const companyScope = (companyId: string): TenantScope => ({ kind: 'company', companyId });

const everything = sql`true`;

/** SQL true when the community id `column` is one of the scope's communities. */
export function communityInScope(column: SQL, scope: TenantScope): SQL {
  if (scope.kind === 'deployment') return everything;
  return sql`${column} IN (SELECT id FROM communities WHERE company_id = ${scope.companyId})`;
}

/** SQL true when the order aliased `alias` (raw SQL alias) is in the scope's communities. */
export const orderInScope = (alias: string, scope: TenantScope): SQL =>
  communityInScope(sql.raw(`${alias}.community_id`), scope);

/** SQL true when the merchant id `column` belongs to the scope's company. */
export function merchantInScope(column: SQL, scope: TenantScope): SQL {
  if (scope.kind === 'deployment') return everything;
  return sql`${column} IN (SELECT id FROM merchants WHERE company_id = ${scope.companyId})`;
}

/** SQL true when the order id `column` is of an order in the scope's communities. */
export function orderIdInScope(column: SQL, scope: TenantScope): SQL {
  if (scope.kind === 'deployment') return everything;
  return sql`${column} IN (SELECT o.id FROM orders o WHERE ${orderInScope('o', scope)})`;
}
