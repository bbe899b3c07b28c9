// The app alone in a process of its own, for the exports scenario (bench/exports.ts), which reads
// this process's resident memory from /proc while it streams an export. Started with fork(): says
// 'ready' once it listens on EXPORT_PORT, reading EXPORT_DATABASE_URL.
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createDb } from '../src/db/client.js';

const url = process.env.EXPORT_DATABASE_URL!;
const port = Number(process.env.EXPORT_PORT);
const app = createApp({
  config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: `http://127.0.0.1:${port}`, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }),
  db: createDb(url),
  databaseUrl: url,
});
app.listen(port, '127.0.0.1', () => process.send?.('ready'));
