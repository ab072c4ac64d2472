import type { RouterOutputs } from '@cgp/api/client';
import { useQuery } from '@tanstack/vue-query';
import { computed, onBeforeUnmount, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { meQueryOptions } from '../composables/useAuth';
import { consoleMessages } from './messages';
import { businessDay } from '@cgp/kit/time';

export type ConsoleOrder = RouterOutputs['console']['orders']['items'][number];

/** The console's texts, following the app's language. */
export function useConsoleI18n() {
  return useI18n({ messages: consoleMessages, useScope: 'local', inheritLocale: true });
}

/** Whether the signed-in user may change things (property_ops) or only read (property_auditor). */
export function useIsOps() {
  const me = useQuery(meQueryOptions);
  return computed(() => me.data.value?.role === 'property_ops');
}

/**
 * The period picker's shortcuts as business days (Asia/Shanghai): today, this week (from Monday),
 * this month, last month, the last 30 days. Each gives [first day, last day], inclusive.
 */
export function periodShortcuts(now: Date): Record<string, [string, string]> {
  const today = businessDay(now);
  const shift = (day: string, days: number) => {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const monthStart = `${today.slice(0, 8)}01`;
  const lastMonthEnd = shift(monthStart, -1);
  return {
    today: [today, today],
    week: [shift(today, -weekday), today],
    month: [monthStart, today],
    lastMonth: [`${lastMonthEnd.slice(0, 8)}01`, lastMonthEnd],
    last30: [shift(today, -29), today],
  };
}

/** Whether the console is on a phone-sized screen (the layout's breakpoint), following resizes. */
export function useNarrowScreen() {
  const query = window.matchMedia('(max-width: 767px)');
  const narrow = ref(query.matches);
  const onChange = (e: MediaQueryListEvent) => (narrow.value = e.matches);
  query.addEventListener('change', onChange);
  onBeforeUnmount(() => query.removeEventListener('change', onChange));
  return narrow;
}
