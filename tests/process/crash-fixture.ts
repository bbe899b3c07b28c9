// Started by server-process.test.ts: an embedded PostgreSQL in the folder given, then a crash
// (an uncaught exception, no handler of ours): PostgreSQL must not outlive this process.
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

const [dir, port] = process.argv.slice(2);
const db = await startEmbeddedPostgres({ dir, port: Number(port), database: 'stages' });
console.log(`postgres running as ${db.pid()}`);
setTimeout(() => {
  throw new Error('crash on purpose');
}, 100);
