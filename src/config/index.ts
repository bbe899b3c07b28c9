import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().default('loopback'),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  SMTP_URL: z.url().optional(),
  MAIL_FROM: z.string().min(3).default('Stages <no-reply@stages.localhost>'),
  JOBS_ENABLED: bool.default(true),
  SEED_DEMO: bool.default(true),
  // Templates read again at each render (npm run dev, which reloads on change); compiled once otherwise.
  VIEWS_RELOAD: bool.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export interface Config extends Omit<Env, 'SESSION_SECRET'> {
  SESSION_SECRET: string;
  baseUrl: string;
}

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops start-up with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}\nSee .env.example.`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET is required in production. See .env.example.');
  }
  return {
    ...e,
    // Outside production a fixed development secret keeps sessions valid across restarts.
    SESSION_SECRET: e.SESSION_SECRET ?? 'stages-development-secret-not-for-production',
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
  };
}
