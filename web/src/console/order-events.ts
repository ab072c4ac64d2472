/**
 * The console's words for an order event: status changes by their Chinese labels, and what
 * happens within a status (dispatch, arrival, SLA breaches) from the event's detail.
 */
export interface ConsoleOrderEvent {
  kind: string;
  actorKind: string;
  from: string | null;
  to: string;
  reason: string;
  detail: Record<string, unknown> | null;
}

type Translate = (key: string, params?: Record<string, unknown>) => string;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function lateText(t: Translate, seconds: number): string {
  return t('order.lateText', { m: Math.floor(seconds / 60), s: seconds % 60 });
}

export function describeOrderEvent(t: Translate, e: ConsoleOrderEvent): string {
  const detail = e.detail ?? {};
  const name = text(detail.workerName);
  if (e.kind === 'assign') {
    if (!detail.workerId) return t('order.eventKinds.noWorker');
    return detail.previousWorkerId
      ? t('order.eventKinds.reassigned', { name, from: text(detail.previousWorkerName) })
      : t('order.eventKinds.dispatched', { name });
  }
  if (e.kind === 'arrive') {
    const late = Number(detail.lateSeconds ?? 0);
    return late > 0
      ? t('order.eventKinds.arriveLate', { name, late: lateText(t, late) })
      : t('order.eventKinds.arrive', { name });
  }
  if (e.kind === 'sla_breach') {
    return t('order.eventKinds.breach', {
      step: t(`order.steps.${text(detail.step)}`),
      ring: t(`order.rings.${text(detail.ring)}`),
      late: lateText(t, Number(detail.lateSeconds ?? 0)),
    });
  }
  const from = e.from ? t(`order.statuses.${e.from}`) : '—';
  return `${from} → ${t(`order.statuses.${e.to}`)}（${t(`order.actors.${e.actorKind}`)}）`;
}
