import path from 'node:path';
import { z } from 'zod';
import { keptSessionSecret } from './secret.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  // npm start is the production path: production unless said otherwise (npm run dev says development).
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // A database that does not answer gives 503s after these delays instead of hanging requests.
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  TRUST_PROXY: z.string().default('loopback'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Stages <no-reply@stages.localhost>'),
  JOBS_ENABLED: bool.default(true),
  // Every job on this cron expression instead of its own (six fields allowed: seconds). For the tests
  // that run several instances and must see schedules fire within seconds; never set in production.
  JOBS_SCHEDULE_OVERRIDE: z.string().min(9).optional(),
  SEED_DEMO: bool.default(true),
  // Templates read again at each render (npm run dev, which reloads on change); compiled once otherwise.
  VIEWS_RELOAD: bool.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Worker threads rendering the PDFs off the request thread (src/documents/pool.ts); 0: on it.
  PDF_WORKERS: z.coerce.number().int().min(0).max(16).default(1),
});

export type Env = z.infer<typeof schema>;

export interface Config extends Omit<Env, 'SESSION_SECRET'> {
  SESSION_SECRET: string;
  baseUrl: string;
  /** EMBEDDED_PG_PORT was given: a taken port stops the start instead of moving to the next one. */
  embeddedPortChosen: boolean;
}

/** Where the embedded database's generated session secret is kept: beside its cluster, in the data folder. */
export function sessionSecretFile(embeddedPgDir: string): string {
  return path.join(path.dirname(path.resolve(embeddedPgDir)), 'session-secret');
}

export class ConfigError extends Error {}

/**
 * Parses the environment once; a bad value stops start-up with a message naming the variable.
 * Without SESSION_SECRET, the embedded database's data folder keeps a generated one (so that
 * sessions survive restarts without a secret anyone could read in the source); with DATABASE_URL
 * the secret must be given, since every instance has to sign cookies alike. Tools that serve no
 * page (migrations, seed) pass `{ sessionSecret: false }` and get none.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { sessionSecret?: boolean } = {}): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}\nSee .env.example.`);
  }
  const e = parsed.data;
  let secret = e.SESSION_SECRET ?? '';
  if (!secret && opts.sessionSecret !== false) {
    if (e.DATABASE_URL) throw new ConfigError('Invalid configuration: SESSION_SECRET is required with DATABASE_URL (every instance signs session cookies with it). See .env.example.');
    secret = keptSessionSecret(sessionSecretFile(e.EMBEDDED_PG_DIR));
  }
  return {
    ...e,
    SESSION_SECRET: secret,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    embeddedPortChosen: clean.EMBEDDED_PG_PORT !== undefined,
  };
}
