import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe token and the hash stored in its place (the token itself only travels by e-mail). */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
