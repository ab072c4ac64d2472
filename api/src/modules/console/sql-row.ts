/** Readers for rows of raw SQL queries, whose columns come back as `unknown`. */
export type Row = Record<string, unknown>;

export const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;

export const iso = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : typeof v === 'string' ? new Date(v).toISOString() : null;

export const num = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);
