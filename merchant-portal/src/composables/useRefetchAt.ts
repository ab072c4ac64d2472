import { onScopeDispose, watch, type Ref } from 'vue';
import { nextMoment } from '../lib/orders';

/** A second past the moment, so the server's clock has surely reached it too. */
const MARGIN_MS = 1_000;
/** setTimeout's ceiling; a later moment is waited for in steps. */
const LONGEST_MS = 2 ** 31 - 1;

/**
 * Calls `refetch` when the soonest of `times` (ISO) comes: what the server allows changes with the
 * clock (an accepted order may start 30 minutes before its slot), not only with events.
 */
export function useRefetchAt(times: Ref<readonly (string | null)[]>, refetch: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    const next = nextMoment(times.value, Date.now());
    if (next === null) return;
    const wait = next - Date.now() + MARGIN_MS;
    timer = setTimeout(wait > LONGEST_MS ? schedule : refetch, Math.min(wait, LONGEST_MS));
  };
  watch(times, schedule, { immediate: true, deep: true });
  onScopeDispose(() => clearTimeout(timer));
}
