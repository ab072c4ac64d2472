import type { RouteLocationRaw } from 'vue-router';
import { trpc } from '@cgp/kit/api';

/** Only property staff enter the console; residents and merchants go back to the resident app. */
export async function consoleGuard(): Promise<true | RouteLocationRaw> {
  try {
    const me = await trpc.auth.me.query();
    return me.role === 'property_auditor' || me.role === 'property_ops' ? true : { name: 'home' };
  } catch {
    return { name: 'login', query: { redirect: '/console' } };
  }
}
