import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { forbidden, notFound } from '../../errors.js';
import { mayPrint } from '../agreements/agreements.print.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { idParam } from '../../http/pagination.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { f, parse } from '../../http/validate.js';
import { contentDisposition, sendStoredFile, takeUpload, uploadSingle, type UploadOptions } from '../../files/upload.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { documentPdf } from './signatures.pdf.js';
import { signatureRecord, type SignedDoc } from './signatures.service.js';
import { SIGNATURE_WORKFLOW } from './signatures.workflow.js';

/** A paper signature's scan: PDF, JPEG or PNG, checked by content, 8 MB at most. */
export const SCAN_UPLOAD: UploadOptions = { maxBytes: 8 * 1024 * 1024, types: ['pdf', 'jpg', 'png'] };

/** The confirmation: the box ticked, and the hash of the PDF the page showed. */
export const signSchema = z.object({
  confirm: f.checkbox().refine((v) => v, 'signatures.errors.confirm'),
  pdfSha256: z.string().regex(/^[0-9a-f]{64}$/, 'signatures.errors.changed'),
});
const paperSchema = z.object({ signedOn: f.day() });

/** The signing record's client: the address Express sees (behind the proxy it trusts) and the user agent. */
export const clientOf = (req: Request) => ({ ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });

/**
 * Sends a PDF to read in the page (inline), never cached. The app's policy forbids framing; a PDF
 * read before signing is shown in a frame of the app's own page, so its answer allows that origin.
 */
export function sendPdf(res: Response, bytes: Buffer, filename: string) {
  res.set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': contentDisposition('inline', filename),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "frame-ancestors 'self'",
    'X-Frame-Options': 'SAMEORIGIN',
  });
  res.send(bytes);
}

type Shown = Awaited<ReturnType<Ctx['services']['agreements']['show']>>;

/** What is signed, as a page shows it: the agreement or one of its amendments, its state and its signed PDF. */
export interface SignedTarget {
  doc: SignedDoc;
  /** The document's URL (its signature routes hang under it). */
  base: string;
  /** "2026-00042", or "2026-00042 (avenant n° 1)". */
  number: string;
  status: string;
  final: { fileId: number; hash: string | null } | null;
}

/** The agreement as a signed document. */
export function agreementTarget(a: Shown): SignedTarget {
  return { doc: { agreementId: a.id, amendmentId: null }, base: `/agreements/${a.id}`, number: agreementNumber(a), status: a.status, final: a.finalPdfFileId ? { fileId: a.finalPdfFileId, hash: a.finalPdfSha256 } : null };
}

/** The document's signatures, and the one the actor is asked to give now (if any). */
async function signaturesOf(ctx: Ctx, actor: Actor, a: Shown, t: SignedTarget) {
  const rows = await ctx.services.signatures.list(t.doc);
  const record = (r: (typeof rows)[number]) => signatureRecord({ ...r, agreement: { centreId: a.centreId } });
  const mine = t.status === 'SIGNING' ? rows.find((r) => r.status === 'INVITED' && SIGNATURE_WORKFLOW.can(actor, record(r), 'sign')) : undefined;
  return { rows, record, mine };
}

/**
 * What a page shows of a document's signatures: every row (voided ones as history), the actor's
 * own signature to give (with the hash of the PDF shown), and the staff's paper and reminder forms.
 */
export async function signaturePanel(ctx: Ctx, actor: Actor, a: Shown, t: SignedTarget = agreementTarget(a)) {
  const { rows, record, mine } = await signaturesOf(ctx, actor, a, t);
  const staff = hasCentreRight(actor, a.centreId, 'WRITE');
  const open = t.status === 'SIGNING';
  return {
    kind: t.doc.amendmentId ? 'amendment' : 'agreement',
    base: t.base,
    number: t.number,
    rows: rows.map((r) => ({ ...r, mayPaper: open && SIGNATURE_WORKFLOW.can(actor, record(r), 'recordPaper'), mayRemind: open && SIGNATURE_WORKFLOW.can(actor, record(r), 'remind') })),
    mine: mine ? { id: mine.id, name: `${actor.firstName} ${actor.lastName}`, pdfSha256: (await documentPdf(ctx.db, t.doc)).sha256 } : null,
    staff: staff || hasCentreRight(actor, a.centreId, 'READ'),
    final: t.final ? { hash: t.final.hash } : null,
  };
}

/**
 * A document's signature actions (issue 13), under its URL (`prefix`, on the agreements router; the
 * document's page renders the 422s): POST <prefix>/sign (the actor's own signature, signed in),
 * POST <prefix>/signatures/:sid/paper (WRITE staff: the date and the scan), POST
 * <prefix>/signatures/:sid/remind (WRITE staff, one per 24 h), GET <prefix>/sign/document.pdf (the
 * PDF to sign, to its signer, whatever the print rule), GET <prefix>/final.pdf (the signed PDF, to
 * whoever sees the agreement and may print it). The agreement's prefix is '/:id'; an amendment's
 * '/:id/amendments/:seq' (src/modules/amendments). GET /agreements/:id/signatures/:sid/scan (the
 * paper scan of any of the agreement's signatures, to the centre's staff) is the agreement's.
 */
export function signatureRoutes(r: Router, ctx: Ctx, page: DetailPage, prefix = '/:id', targetOf: (req: Request) => Promise<{ a: Shown; t: SignedTarget }> = async (req) => {
  const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
  return { a, t: agreementTarget(a) };
}) {
  const svc = ctx.services.signatures;
  const back = async (req: Request, res: Response, key: string) => {
    const { t } = await targetOf(req);
    flash(req, 'success', key, { number: t.number });
    res.redirect(303, `${t.base}#signatures`);
  };

  detailAction(r, `${prefix}/sign`, 'agreements.sign', {
    page,
    run: async (req, res) => {
      const input = parse(signSchema, req.body);
      await svc.sign(act(req), (await targetOf(req)).t.doc, { pdfSha256: input.pdfSha256, ...clientOf(req) });
      await back(req, res, (await targetOf(req)).t.doc.amendmentId ? 'signatures.amendmentSign.done' : 'signatures.sign.done');
    },
  });
  detailAction(r, `${prefix}/signatures/:sid/paper`, 'agreements.act', {
    page,
    before: [uploadSingle('scan', SCAN_UPLOAD, { required: true })],
    run: async (req, res) => {
      const file = takeUpload(req);
      const input = parse(paperSchema, req.body);
      await svc.recordPaper(act(req), (await targetOf(req)).t.doc, idParam(req.params.sid), { signedOn: input.signedOn, file });
      await back(req, res, 'common.saved');
    },
  });
  detailAction(r, `${prefix}/signatures/:sid/remind`, 'agreements.act', {
    page,
    run: async (req, res) => {
      await svc.remind(act(req), (await targetOf(req)).t.doc, idParam(req.params.sid));
      await back(req, res, 'common.saved');
    },
  });
  // The PDF a signer reads before signing, whatever the centre's print rule for students: theirs to sign.
  r.get(`${prefix}/sign/document.pdf`, allow('agreements.sign'), async (req, res) => {
    const { a, t } = await targetOf(req);
    // Printed once: the panel's hash would print it a second time.
    if (!(await signaturesOf(ctx, req.actor!, a, t)).mine) throw notFound();
    sendPdf(res, (await documentPdf(ctx.db, t.doc)).bytes, `${pdfName(t)}.pdf`);
  });
  r.get(`${prefix}/final.pdf`, allow('agreements.view'), async (req, res) => {
    const { a, t } = await targetOf(req);
    if (!t.final) throw notFound();
    // The centre's print rule for students holds for the signed PDF too.
    if (!mayPrint(req.actor!, a, a.centre)) throw forbidden();
    const file = await ctx.db.storedFile.findUniqueOrThrow({ where: { id: t.final.fileId }, select: { data: true } });
    sendPdf(res, Buffer.from(file.data), `${pdfName(t)}-signe.pdf`);
  });
  if (prefix !== '/:id') return;
  r.get('/:id/signatures/:sid/scan', allow('agreements.view'), async (req, res) => {
    const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
    // The scan is the centre's record: its staff only (others: as if it did not exist).
    if (!hasCentreRight(req.actor!, a.centreId, 'READ')) throw notFound();
    const s = await ctx.db.agreementSignature.findFirst({ where: { id: idParam(req.params.sid), agreementId: a.id }, select: { paperFile: true } });
    if (!s?.paperFile) throw notFound();
    sendStoredFile(res, s.paperFile);
  });
}

/** The file's name: "convention-2026-00042", "avenant-1-convention-2026-00042". */
const pdfName = (t: SignedTarget) => (t.doc.amendmentId ? `avenant-${t.base.split('/').pop()}-convention-${t.number.split(' ')[0]}` : `convention-${t.number}`);
