/**
 * Where to go after signing in: only a path inside this app, never another site (`//evil`,
 * `/\evil`, absolute URLs and anything not a string fall back).
 */
export function safeRedirect(value: unknown, fallback = '/'): string {
  const target: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof target === 'string' &&
    target.startsWith('/') &&
    !target.startsWith('//') &&
    !target.startsWith('/\\')
    ? target
    : fallback;
}
