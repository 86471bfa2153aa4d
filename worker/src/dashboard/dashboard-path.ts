/**
 * A `back` value (where a dashboard form returns to) as a path of the dashboard: normalised
 * first (`..`, `\`, percent-encoding, a second slash), then checked, so that whatever was sent the
 * result is `/admin` or a path under `/admin/` on this origin, with its query — never
 * `//evil.example/…` or another scheme. Anything else gives `/admin`.
 *
 * @example
 * dashboardPath('/admin?status=spam')             // '/admin?status=spam'
 * dashboardPath('/admin/..//evil.example/phish')  // '/admin'
 */
export function dashboardPath(back: unknown): string {
  if (typeof back !== 'string' || !back.startsWith('/')) return '/admin';
  const origin = 'https://dashboard.invalid';
  try {
    const url = new URL(back, origin);
    const inside = url.pathname === '/admin' || url.pathname.startsWith('/admin/');
    if (url.origin !== origin || !inside || url.pathname.includes('//')) return '/admin';
    return `${url.pathname}${url.search}`;
  } catch {
    return '/admin';
  }
}
