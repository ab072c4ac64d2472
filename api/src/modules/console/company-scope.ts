import { sql, type SQL } from 'drizzle-orm';

/** SQL true when the order `alias` is in one of the company's communities. */
export const orderOfCompany = (alias: string, companyId: string): SQL =>
  sql`${sql.raw(alias)}.community_id IN (SELECT id FROM communities WHERE company_id = ${companyId})`;
