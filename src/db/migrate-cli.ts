// npm run db:migrate — applies pending migrations to DATABASE_URL or to the embedded database.
import 'dotenv/config';
import { loadConfig } from '../config/index.js';
import { openDatabase } from './database.js';
import { migrate } from './migrate.js';

// No page is served: no session secret is needed (nor generated).
const config = loadConfig(process.env, { sessionSecret: false });
const db = await openDatabase(config, console.log);
try {
  const r = await migrate(db.url, { log: console.log });
  console.log(`${r.applied.length} migration(s) applied, ${r.alreadyApplied.length} already in place.`);
} finally {
  await db.stop();
}
