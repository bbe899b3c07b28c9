import type { Express } from 'express';
import type { Server } from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { seedDemo, DEMO_PASSWORD } from '../../prisma/seed-data.js';
import { closeApp, createApp } from '../../src/app.js';
import type { Role } from '../../src/authz/actor.js';
import type { Db } from '../../src/db/client.js';
import { csrfFrom, testConfig } from '../helpers/app.js';
import { loadDemo, testDatabaseUrl, testDb } from '../helpers/db.js';

/**
 * The world a fuzz file runs in: the demo data (one account per role, records at every stage) in
 * this worker's database, the app in process, one signed-in client per demo account, and a record
 * of every row written.
 *
 * Writes are seen by a row trigger on every table of the app (schema `fuzz`, removed after the
 * file): each INSERT, UPDATE or DELETE that commits leaves a row in fuzz.write_log, and a rolled
 * back one leaves nothing — "nothing was written" is exactly "no row in the log". The log is this
 * database's own, so other people's work on the shared server cannot blur it (a cluster-wide
 * counter such as pg_current_snapshot() would). The session store's rows are logged too, but only
 * to know when to put the sessions back: they are allowed writes.
 *
 * Each case starts from the same state: when the previous case wrote anything, the tables it wrote
 * are put back as they were (from the demo copy loadDemo keeps, the sessions from a snapshot taken
 * after signing in), with triggers off. A case is thus a pure function of its input, which is what
 * lets fast-check shrink it and FUZZ_SEED replay it.
 */

export const ACCOUNTS = [
  { name: 'admin', email: 'admin@demo.test', role: 'platformAdmin' },
  { name: 'gestionnaire', email: 'gestionnaire@demo.test', role: 'centreWrite' },
  { name: 'resp.centre', email: 'resp.centre@demo.test', role: 'centreAdmin' },
  { name: 'resp.filiere', email: 'resp.filiere@demo.test', role: 'programmeManager' },
  { name: 'resp.annee', email: 'resp.annee@demo.test', role: 'yearManager' },
  { name: 'enseignant', email: 'enseignant@demo.test', role: 'academicTutor' },
  { name: 'entreprise', email: 'entreprise@demo.test', role: 'companyAdmin' },
  { name: 'tuteur', email: 'tuteur@demo.test', role: 'companyContact' },
  { name: 'etudiant', email: 'etudiant@demo.test', role: 'student' },
] as const satisfies readonly { name: string; email: string; role: Role }[];

export type Who = (typeof ACCOUNTS)[number]['name'] | 'anonymous';
export const WHO: Who[] = ['anonymous', ...ACCOUNTS.map((a) => a.name)];
export const roleOf = (who: Who): Role | 'anonymous' => (who === 'anonymous' ? 'anonymous' : ACCOUNTS.find((a) => a.name === who)!.role);

/**
 * A signed-in (or anonymous) client as the cookies it sends and its CSRF token. Sent as a fixed
 * Cookie header rather than kept in a cookie jar: whatever a case's answer sets or clears (the
 * sign-out clears the session cookie), the next case is the same client.
 */
export interface Session {
  cookie: string;
  csrf: string;
}

export interface Written {
  table: string;
  op: string;
  rows: number;
}

/** Tables whose writes never count against a refusal (see allowedWrites in fuzz-helpers.ts). */
export const SESSION_TABLE = 'session';

/** Ids of real records, by kind (table), for paths and for fields named like ids. */
export type Pools = Record<string, string[]>;
/** Ids that belong together (an agreement and one of its signatures…), by a key such as "Agreement/AgreementSignature". */
export type Pairs = Record<string, [string, string][]>;

export class FuzzWorld {
  readonly sessions = new Map<Who, Session>();
  /** How long signing in and reading the ids took (the demo data's load aside). */
  openMs = 0;
  pools: Pools = {};
  pairs: Pairs = {};
  /** Every id of every pool: for fields named like ids (records of any kind, in reach or not). */
  allIds: string[] = [];
  /** An amendment's signatures: agreement id, amendment seq, signature id. */
  triples: string[][] = [];

  private constructor(
    readonly app: Express,
    readonly server: Server,
    readonly db: Db,
    private readonly pg: pg.Client,
  ) {}

  static async open(): Promise<FuzzWorld> {
    const url = await testDatabaseUrl();
    const db = await testDb();
    await loadDemo(db, (d) => seedDemo(d));
    const t0 = performance.now();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const app = createApp({ config: testConfig(), db, databaseUrl: url });
    // One listening server for the file (supertest would otherwise open one per request).
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const w = new FuzzWorld(app, server, db, client);
    try {
      await w.installLog();
      await w.signIn();
      await w.loadPools();
    } catch (err) {
      // The triggers must not outlive the file: the worker's next files share this database.
      await w.close();
      throw err;
    }
    w.openMs = performance.now() - t0;
    return w;
  }

  async close() {
    await this.pg.query('DROP SCHEMA IF EXISTS fuzz CASCADE').catch(() => undefined);
    await this.pg.end().catch(() => undefined);
    await new Promise((resolve) => this.server.close(resolve));
    await closeApp(this.app);
  }

  session(who: Who): Session {
    const s = this.sessions.get(who);
    if (!s) throw new Error(`no session for ${who}`);
    return s;
  }

  /** A request as `who` (their cookies; no redirect followed), answered within 20 s or failed. */
  request(who: Who, method: 'get' | 'post', url: string) {
    return request(this.server)[method](url).set('Cookie', this.session(who).cookie).redirects(0).timeout(20_000);
  }

  /**
   * The rows written since the last call, by table and operation. The tables written get their
   * rows of the start back in the same round trip (fuzz.take()), so the next case starts there too.
   */
  async takeWrites(): Promise<Written[]> {
    const { rows } = await this.pg.query<{ tbl: string; op: string; n: string }>('SELECT tbl, op, n::text AS n FROM fuzz.take()');
    return rows.map((r) => ({ table: r.tbl, op: r.op, rows: Number(r.n) }));
  }

  private async installLog() {
    const { rows } = await this.pg.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename",
    );
    await this.pg.query(`
      DROP SCHEMA IF EXISTS fuzz CASCADE;
      CREATE SCHEMA fuzz;
      CREATE TABLE fuzz.write_log (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL);
      CREATE FUNCTION fuzz.log_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO fuzz.write_log (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$;
      CREATE TABLE fuzz.columns (tbl text PRIMARY KEY, cols text NOT NULL);
      INSERT INTO fuzz.columns SELECT table_name, string_agg(format('%I', column_name), ', ' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_schema = 'public' AND is_generated = 'NEVER' GROUP BY table_name;
      -- Empties the log and answers what it held; each table written gets its rows of the start back
      -- (the demo copy's; the sessions' snapshot), triggers off meanwhile — its own log and the
      -- foreign keys': replica mode, for this transaction only.
      CREATE FUNCTION fuzz.take() RETURNS TABLE (tbl text, op text, n bigint) LANGUAGE plpgsql AS $$
      DECLARE r record; t text; c text; written text[] := '{}';
      BEGIN
        FOR r IN WITH d AS (DELETE FROM fuzz.write_log RETURNING write_log.tbl, write_log.op)
                 SELECT d.tbl, d.op, count(*) AS n FROM d GROUP BY 1, 2 ORDER BY 1, 2 LOOP
          tbl := r.tbl; op := r.op; n := r.n; RETURN NEXT;
          IF NOT r.tbl = ANY (written) THEN written := written || r.tbl; END IF;
        END LOOP;
        IF cardinality(written) > 0 THEN
          PERFORM set_config('session_replication_role', 'replica', true);
          FOREACH t IN ARRAY written LOOP
            SELECT x.cols INTO c FROM fuzz.columns x WHERE x.tbl = t;
            EXECUTE format('DELETE FROM public.%I', t);
            EXECUTE format('INSERT INTO public.%I (%s) SELECT %s FROM %s', t, c, c,
              CASE WHEN t = 'session' THEN 'fuzz.session_copy' ELSE format('demo_copy.%I', t) END);
          END LOOP;
          PERFORM set_config('session_replication_role', 'origin', true);
        END IF;
      END $$;`);
    // Dropping the schema (close) drops the function, and with it (CASCADE) every trigger below.
    for (const r of rows) {
      await this.pg.query(`CREATE TRIGGER fuzz_write_log AFTER INSERT OR UPDATE OR DELETE ON public."${r.tablename}" FOR EACH ROW EXECUTE FUNCTION fuzz.log_write()`);
    }
  }

  private async signIn() {
    const cookiesOf = (res: request.Response) => ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]);
    const page = await request(this.server).get('/login');
    const anon = { cookie: cookiesOf(page).join('; '), csrf: csrfFrom(page.text) };
    this.sessions.set('anonymous', anon);
    for (const acc of ACCOUNTS) {
      const res = await request(this.server).post('/login').set('Cookie', anon.cookie).type('form').send({ email: acc.email, password: DEMO_PASSWORD, _csrf: anon.csrf });
      if (res.status !== 303) throw new Error(`sign-in as ${acc.email} failed: ${res.status}`);
      const cookie = cookiesOf(res).filter((c) => c.startsWith('stages.sid=')).join('; ');
      // The session was regenerated at sign-in: its token is on the next page.
      const csrf = csrfFrom((await request(this.server).get('/account').set('Cookie', cookie)).text);
      this.sessions.set(acc.name, { cookie, csrf });
    }
    // The state every case starts from: the demo rows (demo_copy) and these sessions.
    await this.pg.query('CREATE TABLE fuzz.session_copy AS TABLE public.session');
    await this.takeWrites();
  }

  private async loadPools() {
    const ids = async (sql: string) => (await this.pg.query<{ id: string }>(sql)).rows.map((r) => r.id);
    const tables = [
      'Institution', 'Programme', 'StudyYear', 'AcademicYear', 'User', 'LegalParameter', 'ManagementCentre', 'CentreStaff',
      'OutboxEmail', 'Organisation', 'Service', 'Contact', 'CompanyMembership', 'StudentProfile', 'Offer', 'Agreement',
      'AgreementSignature', 'JournalEntry', 'ExportPreset', 'InternshipRequest', 'Application', 'StoredFile', 'InternshipSheet',
      'UsefulDocument', 'Ticket', 'IdentityProvider',
    ];
    // Spread over each table (first, last and between), a few dozen at most: in reach and out of reach of each role.
    for (const t of tables) {
      this.pools[t] = await ids(`SELECT id::text AS id FROM (SELECT id, ntile(30) OVER (ORDER BY id) AS b FROM "${t}") x WHERE id IN (SELECT min(id) FROM (SELECT id, ntile(30) OVER (ORDER BY id) AS b FROM "${t}") y GROUP BY b) ORDER BY id`);
    }
    this.allIds = [...new Set(Object.values(this.pools).flat())].sort((a, b) => Number(a) - Number(b));
    this.pools.seq = await ids('SELECT DISTINCT seq::text AS id FROM "AgreementAmendment" ORDER BY 1');
    const pairs = async (sql: string) => (await this.pg.query<{ a: string; b: string }>(sql)).rows.map((r) => [r.a, r.b] as [string, string]);
    this.pairs = {
      'Agreement/AgreementSignature': await pairs('SELECT "agreementId"::text AS a, id::text AS b FROM "AgreementSignature" ORDER BY id LIMIT 40'),
      'Agreement/seq': await pairs('SELECT "agreementId"::text AS a, seq::text AS b FROM "AgreementAmendment" ORDER BY id LIMIT 40'),
      'Agreement/JournalEntry': await pairs('SELECT "agreementId"::text AS a, id::text AS b FROM "JournalEntry" ORDER BY id LIMIT 40'),
      'Organisation/Service': await pairs('SELECT "organisationId"::text AS a, id::text AS b FROM "Service" ORDER BY id LIMIT 40'),
      'Organisation/Contact': await pairs('SELECT "organisationId"::text AS a, id::text AS b FROM "Contact" ORDER BY id LIMIT 40'),
      'Organisation/CompanyMembership': await pairs('SELECT "organisationId"::text AS a, id::text AS b FROM "CompanyMembership" ORDER BY id LIMIT 40'),
      'ManagementCentre/CentreStaff': await pairs('SELECT "centreId"::text AS a, id::text AS b FROM "CentreStaff" ORDER BY id LIMIT 40'),
      'ManagementCentre/UsefulDocument': await pairs('SELECT "centreId"::text AS a, id::text AS b FROM "UsefulDocument" WHERE "centreId" IS NOT NULL ORDER BY id LIMIT 40'),
      'Application/StoredFile': await pairs('SELECT "applicationId"::text AS a, "fileId"::text AS b FROM "ApplicationFile" LIMIT 40'),
      'Ticket/StoredFile': await pairs('SELECT "ticketId"::text AS a, "fileId"::text AS b FROM "TicketMessage" WHERE "fileId" IS NOT NULL LIMIT 40'),
    };
    this.triples = (await this.pg.query<{ a: string; b: string; c: string }>(
      'SELECT s."agreementId"::text AS a, m.seq::text AS b, s.id::text AS c FROM "AgreementSignature" s JOIN "AgreementAmendment" m ON m.id = s."amendmentId" ORDER BY s.id LIMIT 40',
    )).rows.map((r) => [r.a, r.b, r.c]);
  }
}
