/** Where to go after signing in: only a path inside this app, never another site. */
export function safeRedirect(value: unknown): string {
  const target: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof target === 'string' &&
    target.startsWith('/') &&
    !target.startsWith('//') &&
    !target.startsWith('/\\')
    ? target
    : '/';
}
