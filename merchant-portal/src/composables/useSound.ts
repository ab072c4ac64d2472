import { ref, watch } from 'vue';

const STORAGE_KEY = 'cgp.merchant.sound';

function stored(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

const enabled = ref(stored());
watch(enabled, (on) => {
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Applied for this visit, just not remembered.
  }
});

/** Whether a new order chimes; remembered on this computer. */
export function useSound() {
  return enabled;
}
