import type { Config } from '../config/index.js';
import { EmbeddedStartError, startEmbeddedPostgres } from './embedded.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** A start-up failure whose message alone says what happened and what to change (no stack trace needed). */
export class StartupError extends Error {}

/** DATABASE_URL when given (production path), otherwise the embedded cluster in the project's data folder. */
export async function openDatabase(config: Config, log: (m: string) => void): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  log(`starting embedded PostgreSQL in ${config.EMBEDDED_PG_DIR} (port ${config.EMBEDDED_PG_PORT})`);
  try {
    // The default port moves to the next free one; a port chosen in EMBEDDED_PG_PORT does not.
    const pg = await startEmbeddedPostgres({ dir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: 'stages', explicitPort: config.embeddedPortChosen });
    if (pg.port !== config.EMBEDDED_PG_PORT) log(`port ${config.EMBEDDED_PG_PORT} was taken: the embedded PostgreSQL listens on port ${pg.port} (EMBEDDED_PG_PORT chooses one)`);
    return { url: pg.url, embedded: true, stop: () => pg.stop() };
  } catch (err) {
    if (!(err instanceof EmbeddedStartError)) throw err;
    const hint =
      err.reason === 'port-taken'
        ? config.embeddedPortChosen
          ? 'set EMBEDDED_PG_PORT to a free port'
          : `no free port up to ${config.EMBEDDED_PG_PORT + 20}: set EMBEDDED_PG_PORT to a free port`
        : err.reason === 'data-dir-in-use'
          ? 'or set EMBEDDED_PG_DIR to use another folder'
          : 'set DATABASE_URL to use another PostgreSQL server';
    throw new StartupError(`embedded PostgreSQL: ${err.message}; ${hint}`);
  }
}
