import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The session secret kept in `file` (created with 32 random bytes, mode 0600, on first use): the
 * embedded database's sessions then survive restarts, and no secret is shared by every copy of the app.
 */
export function keptSessionSecret(file: string): string {
  const existing = read(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (npm run seed beside npm start) wrote it first: that one is the secret.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const written = read(file);
  if (!written) throw new Error(`the session secret in ${file} is empty or too short: delete the file to have a new one generated`);
  return written;
}

function read(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A copy restored with a looser mode is readable by other users: close it again.
  chmodSync(file, 0o600);
  const secret = text.trim();
  return secret.length >= 32 ? secret : undefined;
}
