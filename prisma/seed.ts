// npm run seed — loads the demo data into an empty database (DATABASE_URL or the embedded one).
import 'dotenv/config';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './seed-data.js';

// No page is served: no session secret is needed (nor generated).
const config = loadConfig(process.env, { sessionSecret: false });
const database = await openDatabase(config, console.log);
const db = createDb(database.url);
try {
  await migrate(database.url, { log: console.log });
  if ((await db.user.count()) > 0) {
    console.log('The database already has users: demo data not loaded again.');
  } else {
    await seedDemo(db);
    console.log(`Demo data loaded. Accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')}`);
  }
} finally {
  await closeDb(db);
  await database.stop();
}
