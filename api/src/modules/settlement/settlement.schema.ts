import { z } from 'zod';
import { cursorInput, limitInput } from '../../lib/pagination';

export const statementStatuses = ['pending', 'paid', 'failed', 'carried'] as const;

export const listStatementsInput = z
  .object({
    status: z.array(z.enum(statementStatuses)).max(4).optional(),
    cursor: cursorInput,
    limit: limitInput(100, 20),
  })
  .default({ limit: 20 });

export const statementIdInput = z.object({ id: z.string().uuid() });

/** `merchant.earningsByDay`: how many days back from today (business time). */
export const dailyEarningsInput = z
  .object({ days: z.number().int().min(7).max(90).default(30) })
  .default({ days: 30 });
