import { onScopeDispose, ref, type Ref } from 'vue';

/** Narrower than this, the portal lays itself out for a phone (Element Plus's `sm` breakpoint). */
const PHONE_QUERY = '(max-width: 768px)';

/** Whether the screen is phone-sized, following rotation and resizing. */
export function usePhone(): Ref<boolean> {
  const query = window.matchMedia(PHONE_QUERY);
  const phone = ref(query.matches);
  const onChange = (e: MediaQueryListEvent) => (phone.value = e.matches);
  query.addEventListener('change', onChange);
  onScopeDispose(() => query.removeEventListener('change', onChange));
  return phone;
}
