import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const PRODUCTION = ['api/src/modules', 'jobs/src'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Places in a file that write an order's status: SQL `UPDATE orders … status =`, or drizzle's. */
function statusWrites(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(
    /UPDATE\s+orders\b[\s\S]{0,400}?\bSET\b([\s\S]{0,600}?)\b(FROM|WHERE)\b/gi,
  )) {
    if (/(^|[\s,])status\s*=/.test(m[1]!)) found.push(m[0].slice(0, 60));
  }
  for (const m of text.matchAll(/\.update\(orders\)\s*\.set\(\{([\s\S]{0,600}?)\}\)/g)) {
    if (/(^|[\s,{])status\s*:/.test(m[1]!)) found.push(m[0].slice(0, 60));
  }
  return found;
}

describe('one state machine', () => {
  it('finds a status write where one is', () => {
    expect(
      statusWrites("UPDATE orders o SET settled_at = now(), status = 'settled' FROM x"),
    ).toHaveLength(1);
    expect(statusWrites(".update(orders).set({ status: 'paid' })")).toHaveLength(1);
    expect(statusWrites('.update(orders).set({ refundFen: 1 })')).toEqual([]);
  });

  it('writes order statuses only in transition.ts, settlement included', () => {
    const outside = PRODUCTION.flatMap((dir) => sources(join(ROOT, dir)))
      .filter((file) => !file.endsWith(join('orders', 'transition.ts')))
      .flatMap((file) =>
        statusWrites(readFileSync(file, 'utf8')).map((w) => `${relative(ROOT, file)}: ${w}`),
      );
    expect(outside).toEqual([]);
  });
});
