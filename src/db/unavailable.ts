// "The database is away" is decided here and nowhere else: the error handler answers 503 for
// these errors (the session store's, Prisma's, pg's) and a genuine bug stays a 500.

/** Node socket errors: nothing listens, the connection broke, the host cannot be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server that is going away, starting, overloaded or too slow: admin / crash shutdown
 * (57P01, 57P02), "the database system is starting up" (57P03), class 08 (connection exceptions),
 * class 53 (insufficient resources, too many connections), and 57014, a statement cancelled by
 * statement_timeout (a frozen or saturated database: retrying later is the answer, not a bug report).
 */
function unavailableSqlState(code: string): boolean {
  return code === '57P01' || code === '57P02' || code === '57P03' || code === '57014' || code.startsWith('08') || code.startsWith('53');
}

/**
 * Prisma's codes: P1001 cannot reach, P1002 timed out reaching, P1008 operation timed out, P1017
 * server closed the connection, P2024 timed out waiting for a pooled connection, P2028 a
 * transaction that could not start or finish in time.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** Prisma's driver-adapter error kinds for the same situations (DriverAdapterError.cause.kind). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** pg and pg-pool raise these without a code. */
const PG_MESSAGES =
  /^(Connection terminated|Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end on the pool|timeout expired)$/;

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function one(e: ErrorLike): boolean {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code))) return true;
  // A pg error carries its SQLSTATE in `code` (5 characters); the adapter's keeps it as originalCode.
  if (code && /^[0-9A-Z]{5}$/.test(code) && unavailableSqlState(code)) return true;
  if (typeof e.originalCode === 'string' && unavailableSqlState(e.originalCode)) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  return typeof e.message === 'string' && PG_MESSAGES.test(e.message);
}

/**
 * True when `err` says the database cannot be reached or did not answer in time (connection
 * refused or lost, server shutting down or starting, pool or statement timeout), whichever layer
 * wrapped it: pg, connect-pg-simple, Prisma's adapter (`meta.driverAdapterError.cause`) or `cause` chains.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e) || seen.size > 10) continue;
    seen.add(e);
    const x = e as ErrorLike;
    if (one(x)) return true;
    queue.push(x.cause, x.meta?.driverAdapterError);
  }
  return false;
}
