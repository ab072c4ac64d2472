import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { useI18n } from 'vue-i18n';
import { qualityMessages } from './messages';

/** The quality pages' texts, following the app's language. */
export function useQualityI18n() {
  return useI18n({ messages: qualityMessages, useScope: 'local', inheritLocale: true });
}

/** `YYYY-MM` moved by whole months. */
export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}

/** [first instant of `from` month, first instant after `to` month), business time (UTC+8). */
export function monthsRange(from: string, to: string): { from: string; to: string } {
  return {
    from: new Date(`${from}-01T00:00:00+08:00`).toISOString(),
    to: new Date(`${shiftMonth(to, 1)}-01T00:00:00+08:00`).toISOString(),
  };
}

/** 0.1534 → "15.3%". */
export const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

/** One figure's drill-down: the `quality.kpiOrders` input and the drawer's title. */
export type KpiDrill = RouterInputs['quality']['kpiOrders'] & { title: string };
export type CallbackTask = RouterOutputs['quality']['callbacks']['list']['items'][number];
export type QualityTicket = RouterOutputs['quality']['tickets']['list']['items'][number];
export type FestivalSurvey = RouterOutputs['quality']['surveys']['list'][number];
