import { systemClock } from './time/clock.js';
// A small structured logger. It never receives request bodies, e-mails or tokens: callers pass
// ids and codes only (personal data stays out of logs).
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
let threshold: number = order[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? 20;
if (process.env.NODE_ENV === 'test' && !process.env.LOG_LEVEL) threshold = order.error;

export function setLogLevel(level: Level | 'silent') {
  threshold = order[level];
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  if (order[level] < threshold) return;
  const line = JSON.stringify({ t: systemClock.now().toISOString(), level, msg, ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};
