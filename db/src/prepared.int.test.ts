import { eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepared, preparedSql, preparedVariants, rowOf } from './prepared';
import { communities, propertyCompanies } from './schema/index';
import { createTestDatabase, type TestDatabase } from './testing';

let database: TestDatabase;
beforeAll(async () => {
  // One connection, so the statements the server keeps for it can be counted.
  database = await createTestDatabase({ max: 1 });
});
afterAll(() => database.drop());

const companyByName = prepared('test_company_by_name', (db, name) =>
  db
    .select()
    .from(propertyCompanies)
    .where(eq(propertyCompanies.name, sql.placeholder('name')))
    .prepare(name),
);

const addCommunity = preparedSql<Record<string, unknown>>(
  'test_add_community',
  sql`INSERT INTO ${communities} (company_id, name) VALUES (${sql.placeholder('companyId')}::uuid,
      ${sql.placeholder('name')}::text) RETURNING *`,
);

async function serverStatements() {
  const { rows } = await database.pool.query<{
    name: string;
    runs: number;
  }>(`SELECT name, generic_plans + custom_plans AS runs FROM pg_prepared_statements`);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.runs)]));
}

describe('prepared statements', () => {
  it('are parsed once per connection and then only run', async () => {
    const [company] = await database.db
      .insert(propertyCompanies)
      .values({ name: '幸福物业' })
      .returning();
    for (let i = 0; i < 7; i++) {
      expect(await companyByName(database.db).execute({ name: '幸福物业' })).toEqual([company]);
    }
    expect(await companyByName(database.db).execute({ name: '别家物业' })).toEqual([]);
    expect((await serverStatements()).test_company_by_name).toBe(8);
  });

  it('run inside the transaction whose handle they are given', async () => {
    await database.db
      .transaction(async (tx) => {
        await tx.insert(propertyCompanies).values({ name: '未提交物业' });
        // Only the transaction sees its uncommitted row (and the pool's one connection is the
        // transaction's: a query outside it would have to wait).
        expect(await companyByName(tx).execute({ name: '未提交物业' })).toHaveLength(1);
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
    expect(await companyByName(database.db).execute({ name: '未提交物业' })).toHaveLength(0);
  });

  it('hand-written ones return rows that rowOf turns into the table’s own shape', async () => {
    const [company] = await database.db
      .insert(propertyCompanies)
      .values({ name: '安居物业' })
      .returning();
    const [raw] = await addCommunity(database.db, { companyId: company!.id, name: '阳光花园' });
    const community = rowOf(communities, raw!);
    expect(community).toMatchObject({ companyId: company!.id, name: '阳光花园', address: '' });
    expect(community.createdAt).toBeInstanceOf(Date);
    expect(
      await database.db.select().from(communities).where(eq(communities.id, community.id)),
    ).toEqual([community]);
  });

  it('refuse a name that is already taken, or a variant family whose name has a colon', () => {
    expect(() => prepared('test_company_by_name', () => null)).toThrow(/already taken/);
    expect(() => preparedVariants('test:family', () => null)).toThrow(/may not contain/);
    const byShape = preparedVariants('test_family', (_db, variant, name) => `${variant}→${name}`);
    expect(byShape(database.db, 'a+b')).toBe('a+b→test_family:a+b');
    expect(() => prepared('test_family:a+b', () => null)).toThrow(/already taken/);
  });
});
