// Scenario 3: the app killed with SIGKILL inside the transaction of a signature (the last one, which
// stores the final PDF and moves the agreement to SIGNED) and inside an amendment's validation (which
// writes its values onto the agreement). Each request is blocked on the outbox (the last table its
// transaction writes: the mails) after its other writes, the app killed there, and the agreement
// must be whole in its old state: state, signature, audit rows, outbox, stored files. The same
// request then runs to its end on a restarted app: whole in the new state.
import { createHash } from 'node:crypto';
import { freePort } from '../../src/db/embedded.js';
import { blockInside, type Blocked } from './blocked.js';
import { dbName, killApp, Report, Session, startApp, type App } from './common.js';
import type { ChaosPg } from './pg.js';
import { minimalPdf } from '../../tests/factories/students.js';

const S = 'atomic-kill';
const LOCKED = 'OutboxEmail';
const STAFF = 'gestionnaire@demo.test';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const today = () => new Date().toISOString().slice(0, 10);

interface Counts {
  audit: number;
  outbox: number;
  files: number;
}

export async function atomicKill(pg: ChaosPg, report: Report, log: (m: string) => void) {
  const url = await pg.demoDatabase('s3');
  const db = dbName(url);
  const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => pg.query<T>(db, sql, params);
  const counts = async (): Promise<Counts> => {
    const [r] = await q<{ audit: number; outbox: number; files: number }>(`SELECT (SELECT count(*) FROM "AuditLog")::int AS audit, (SELECT count(*) FROM "OutboxEmail")::int AS outbox, (SELECT count(*) FROM "StoredFile")::int AS files`);
    return r;
  };
  const same = (a: Counts, b: Counts) => a.audit === b.audit && a.outbox === b.outbox && a.files === b.files;
  const port = await freePort();
  const env = { JOBS_ENABLED: 'false' };
  let app: App = await startApp(url, port, env);
  const staff = () => new Session(app.base).signIn(STAFF);
  const paper = async (s: Session, base: string, sid: number) => {
    const res = await s.postMultipart(`${base}/signatures/${sid}/paper`, { signedOn: today() }, { field: 'scan', name: 'scan.pdf', type: 'application/pdf', bytes: minimalPdf() });
    if (res.status !== 303) throw new Error(`paper signature ${sid} refused: ${res.status} ${res.text.slice(0, 300)}`);
  };
  /** Sends `send` blocked inside its transaction, kills the app there, releases the lock: what it had written, and whether its backend is gone. */
  const killInside = async (what: string, send: (s: Session) => Promise<unknown>, s: Session) => {
    const blocked = await blockInside(url, LOCKED, () => void send(s).catch(() => undefined));
    const ok = typeof blocked !== 'string' && blocked.wrote.length > 0;
    if (!report.check(S, `${what}: the request blocked inside its transaction, after its writes`, ok, typeof blocked === 'string' ? blocked : `backend ${blocked.pid} wrote ${blocked.wrote.join(', ') || 'nothing'}; waits for "${LOCKED}"`)) {
      if (typeof blocked !== 'string') await blocked.release();
      return false;
    }
    await killApp(app);
    report.figure(S, `${what}: killed inside its transaction after writing ${(blocked as Blocked).wrote.join(', ')}`);
    const gone = await (blocked as Blocked).release();
    report.check(S, `${what}: app killed (SIGKILL) there, its transaction gone with it`, gone, `backend ${(blocked as Blocked).pid} ${gone ? 'ended' : 'still there'}`);
    app = await startApp(url, port, env);
    return true;
  };

  try {
    // 1. The last signature of Léa's agreement (SIGNING): the others recorded on paper first.
    const [a] = await q<{ id: number }>(`SELECT a.id FROM "Agreement" a JOIN "StudentProfile" p ON p.id = a."studentId" JOIN "User" u ON u.id = p."userId" WHERE a.status = 'SIGNING' AND u.email = 'etudiant@demo.test' ORDER BY a.id LIMIT 1`);
    if (!a) throw new Error('no agreement of the demo student in its signature phase');
    const sigs = await q<{ id: number; party: string; status: string; signerId: number | null }>(`SELECT id, party::text, status::text, "signerId" FROM "AgreementSignature" WHERE "agreementId" = $1 AND "amendmentId" IS NULL AND status <> 'VOIDED' ORDER BY position, id`, [a.id]);
    const last = sigs.find((r) => r.party === 'INSTITUTION' && r.signerId === null);
    if (!last) throw new Error(`agreement ${a.id}: no signature of the centre itself to give last`);
    let s = await staff();
    for (const r of sigs) if (r.id !== last.id && r.status !== 'SIGNED') await paper(s, `/agreements/${a.id}`, r.id);
    const hash = (await s.get(`/agreements/${a.id}`)).text.match(/name="pdfSha256" value="([0-9a-f]{64})"/)?.[1];
    if (!hash) throw new Error(`agreement ${a.id}: no signing form for the centre`);
    const sign = (x: Session) => x.post(`/agreements/${a.id}/sign`, { pdfSha256: hash, confirm: 'on' });
    const agreement = async () => (await q<{ status: string; finalPdfFileId: number | null; finalPdfSha256: string | null; signedAt: Date | null }>(`SELECT status::text, "finalPdfFileId", "finalPdfSha256", "signedAt" FROM "Agreement" WHERE id = $1`, [a.id]))[0];
    const signature = async () => (await q<{ status: string }>(`SELECT status::text FROM "AgreementSignature" WHERE id = $1`, [last.id]))[0].status;

    const before = { a: await agreement(), sig: await signature(), n: await counts() };
    log(`agreement ${a.id}: ${sigs.length} signers, the centre's (signature ${last.id}) last; ${before.a.status}, signature ${before.sig}`);
    if (await killInside('signature', sign, s)) {
      const after = { a: await agreement(), sig: await signature(), n: await counts() };
      report.check(
        S,
        'signature killed: the agreement is whole in its old state',
        after.a.status === 'SIGNING' && after.a.finalPdfFileId === null && after.a.signedAt === null && after.sig === 'INVITED' && same(before.n, after.n),
        `state ${after.a.status}, signature ${after.sig}, final PDF ${after.a.finalPdfFileId ?? 'none'}, audit rows ${after.n.audit - before.n.audit >= 0 ? '+' : ''}${after.n.audit - before.n.audit}, mails +${after.n.outbox - before.n.outbox}, files +${after.n.files - before.n.files}`,
      );
    }
    s = await staff();
    const res = await sign(s);
    const done = { a: await agreement(), sig: await signature(), n: await counts() };
    const audits = await q<{ action: string }>(`SELECT action FROM "AuditLog" WHERE id > (SELECT max(id) FROM "AuditLog") - $1 ORDER BY id`, [done.n.audit - before.n.audit]);
    const file = done.a.finalPdfFileId ? (await q<{ sha256: string; data: Buffer }>(`SELECT sha256, data FROM "StoredFile" WHERE id = $1`, [done.a.finalPdfFileId]))[0] : undefined;
    const served = await s.request('GET', `/agreements/${a.id}/final.pdf`).catch(() => undefined);
    report.check(
      S,
      'signature run to its end: the agreement is whole in its new state',
      res.status === 303 && done.a.status !== 'SIGNING' && done.sig === 'SIGNED' && !!file && sha256(Buffer.from(file.data)) === done.a.finalPdfSha256 && file.sha256 === done.a.finalPdfSha256 &&
        audits.some((x) => x.action === 'signature.sign') && audits.some((x) => x.action === 'agreement.completeSignatures') && done.n.outbox > before.n.outbox && done.n.files === before.n.files + 1 && served?.status === 200,
      `answer ${res.status}; state ${done.a.status}, signature ${done.sig}, final PDF ${done.a.finalPdfFileId} (sha-256 ${file && sha256(Buffer.from(file.data)) === done.a.finalPdfSha256 ? 'matches' : 'differs'}, served ${served?.status}); audit ${audits.map((x) => x.action).join(', ')}; mails +${done.n.outbox - before.n.outbox}; files +${done.n.files - before.n.files}`,
    );

    // 2. An amendment of a validated agreement: drafted (its subject), signed on paper by all, then validated.
    const [b] = await q<{ id: number }>(
      `SELECT a.id FROM "Agreement" a JOIN "ManagementCentre" c ON c.id = a."centreId" WHERE a.status = 'VALIDATED' AND c.name = 'UFR Sciences et Technologies' AND a."endDate" >= current_date
          AND NOT EXISTS (SELECT 1 FROM "AgreementAmendment" m WHERE m."agreementId" = a.id AND m.status <> 'VALIDATED') ORDER BY a.id LIMIT 1`,
    );
    if (!b) throw new Error('no validated agreement of the UFR to amend');
    const subject = `Sujet modifié par avenant (chaos ${Date.now()})`;
    const created = await s.post(`/agreements/${b.id}/amendments/new`, { reason: 'Évolution du projet', kinds: 'subject', subject, theme: '', activities: 'Conception et développement', skills: '' });
    const path = created.headers.get('location');
    if (created.status !== 303 || !path) throw new Error(`amendment refused: ${created.status} ${created.text.replace(/\s+/g, ' ').match(/error[^<]{0,200}/i)?.[0] ?? ''}`);
    const opened = await s.post(`${path}/openSignatures`, {});
    if (opened.status !== 303) throw new Error(`amendment signatures not opened: ${opened.status}`);
    const [m] = await q<{ id: number }>(`SELECT id FROM "AgreementAmendment" WHERE "agreementId" = $1 AND status = 'SIGNING'`, [b.id]);
    for (const r of await q<{ id: number }>(`SELECT id FROM "AgreementSignature" WHERE "amendmentId" = $1 AND status IN ('WAITING', 'INVITED') ORDER BY position, id`, [m.id])) await paper(s, path, r.id);
    const amendment = async () => (await q<{ status: string; validatedAt: Date | null }>(`SELECT status::text, "validatedAt" FROM "AgreementAmendment" WHERE id = $1`, [m.id]))[0];
    const agreementB = async () => (await q<{ subject: string; snap: string }>(`SELECT subject, md5(snapshot::text) AS snap FROM "Agreement" WHERE id = $1`, [b.id]))[0];
    const validate = (x: Session) => x.post(`${path}/validate`, {});

    const beforeB = { m: await amendment(), a: await agreementB(), n: await counts() };
    log(`agreement ${b.id}, amendment ${path!.split('/').pop()} (${m.id}): ${beforeB.m.status}; subject "${beforeB.a.subject}"`);
    if (beforeB.m.status !== 'SIGNED') throw new Error(`amendment ${m.id} is ${beforeB.m.status} after its signatures, not SIGNED`);
    if (await killInside('amendment validation', validate, s)) {
      const after = { m: await amendment(), a: await agreementB(), n: await counts() };
      report.check(
        S,
        'amendment validation killed: the agreement and its amendment are whole in their old state',
        after.m.status === 'SIGNED' && after.m.validatedAt === null && after.a.subject === beforeB.a.subject && after.a.snap === beforeB.a.snap && same(beforeB.n, after.n),
        `amendment ${after.m.status}, subject ${after.a.subject === beforeB.a.subject ? 'unchanged' : 'CHANGED'}, printed copy ${after.a.snap === beforeB.a.snap ? 'unchanged' : 'CHANGED'}, audit rows +${after.n.audit - beforeB.n.audit}, mails +${after.n.outbox - beforeB.n.outbox}, files +${after.n.files - beforeB.n.files}`,
      );
    }
    s = await staff();
    const resB = await validate(s);
    const doneB = { m: await amendment(), a: await agreementB(), n: await counts() };
    const auditsB = await q<{ action: string }>(`SELECT action FROM "AuditLog" WHERE id > (SELECT max(id) FROM "AuditLog") - $1 ORDER BY id`, [doneB.n.audit - beforeB.n.audit]);
    report.check(
      S,
      'amendment validation run to its end: whole in the new state',
      resB.status === 303 && doneB.m.status === 'VALIDATED' && doneB.m.validatedAt !== null && doneB.a.subject === subject && doneB.a.snap !== beforeB.a.snap && auditsB.some((x) => x.action === 'amendment.validate') && doneB.n.outbox > beforeB.n.outbox,
      `answer ${resB.status}; amendment ${doneB.m.status}, subject ${doneB.a.subject === subject ? 'the new one' : `"${doneB.a.subject}"`}, printed copy ${doneB.a.snap !== beforeB.a.snap ? 'new' : 'unchanged'}; audit ${auditsB.map((x) => x.action).join(', ')}; mails +${doneB.n.outbox - beforeB.n.outbox}`,
    );
  } finally {
    if (app.proc.child.exitCode === null && app.proc.child.signalCode === null) {
      app.proc.child.kill('SIGTERM');
      await app.proc.exited;
    }
  }
}
