/**
 * Whether a WebSocket upgrade may proceed given its Origin. Non-browser clients send none and
 * are judged by their credentials alone. With ALLOWED_ORIGINS set, only those origins; unset,
 * any origin in development and none in production (a browser page must be listed).
 */
export function originAllowed(origin: string | undefined, allowed: string[] | null, production: boolean): boolean {
  if (!origin) return true;
  if (allowed === null) return !production;
  return allowed.includes(origin);
}
