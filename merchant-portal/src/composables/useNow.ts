import { onScopeDispose, ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** A clock that ticks every second, shared by every countdown on the page. */
export function useNow() {
  if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 1_000);
  onScopeDispose(() => {
    if (--users === 0) clearInterval(timer);
  });
  return now;
}
