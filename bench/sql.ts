// What the bench's seeding parts share: a database of their own beside the bench's, and one
// connection with a runner that times and logs each seeding statement.
import pg from 'pg';

/** The database `<name>_<suffix>` on the bench's server (each part seeds its own volumes there). */
export function siblingDatabase(url: string, suffix: string): { url: string; name: string } {
  const u = new URL(url);
  const name = `${u.pathname.slice(1)}_${suffix}`.replace(/[^\w]/g, '');
  u.pathname = `/${name}`;
  return { url: u.toString(), name };
}

/** A connection to seed with, and `q(label, sql)`: runs the statements and logs how long they took. */
export async function seedingClient(url: string, log: (m: string) => void) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = async (label: string, sql: string) => {
    const t = performance.now();
    await c.query(sql);
    log(`  seed ${label}: ${Math.round(performance.now() - t)} ms`);
  };
  return { c, q };
}
