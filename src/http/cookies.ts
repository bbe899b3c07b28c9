import type { CookieOptions, Request } from 'express';
import type { Config } from '../config/index.js';

/** Cookies carry the Secure flag when asked, or (auto) when the site is served over HTTPS. */
export function secureCookies(config: Pick<Config, 'COOKIE_SECURE' | 'baseUrl'>): boolean {
  return config.COOKIE_SECURE === 'true' || (config.COOKIE_SECURE === 'auto' && config.baseUrl.startsWith('https://'));
}

/** The options of the app's own cookies: out of scripts' reach, sent on same-site requests and top-level links. */
export function cookieOptions(secure: boolean, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...(maxAge ? { maxAge } : {}) };
}

/** One cookie of the request (no cookie parser is installed: express-session reads its own). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}
