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
import { agreementPdf } from './signatures.pdf.js';
import { signatureRecord } from './signatures.service.js';
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

/**
 * What the agreement page shows of its signatures: every row (voided ones as history), the actor's
 * own signature to give (with the hash of the PDF shown), and the staff's paper and reminder forms.
 */
/** The agreement's signatures, and the one the actor is asked to give now (if any). */
async function signaturesOf(ctx: Ctx, actor: Actor, a: Shown) {
  const rows = await ctx.services.signatures.list(a.id);
  const record = (r: (typeof rows)[number]) => signatureRecord({ ...r, agreement: { centreId: a.centreId } });
  const mine = a.status === 'SIGNING' ? rows.find((r) => r.status === 'INVITED' && SIGNATURE_WORKFLOW.can(actor, record(r), 'sign')) : undefined;
  return { rows, record, mine };
}

export async function signaturePanel(ctx: Ctx, actor: Actor, a: Shown) {
  const { rows, record, mine } = await signaturesOf(ctx, actor, a);
  const staff = hasCentreRight(actor, a.centreId, 'WRITE');
  return {
    rows: rows.map((r) => ({ ...r, mayPaper: a.status === 'SIGNING' && SIGNATURE_WORKFLOW.can(actor, record(r), 'recordPaper'), mayRemind: a.status === 'SIGNING' && SIGNATURE_WORKFLOW.can(actor, record(r), 'remind') })),
    mine: mine ? { id: mine.id, name: `${actor.firstName} ${actor.lastName}`, pdfSha256: (await agreementPdf(ctx.db, a.id)).sha256 } : null,
    staff: staff || hasCentreRight(actor, a.centreId, 'READ'),
    final: a.finalPdfFileId ? { hash: a.finalPdfSha256 } : null,
  };
}

/**
 * The agreement page's signature actions (issue 13), on the agreement's router (its page renders
 * the 422s): POST /agreements/:id/sign (the actor's own signature, signed in), POST
 * /agreements/:id/signatures/:sid/paper (WRITE staff: the date and the scan), POST
 * /agreements/:id/signatures/:sid/remind (WRITE staff, one per 24 h), GET /agreements/:id/sign/document.pdf
 * (the PDF to sign, to its signer, whatever the print rule), GET /agreements/:id/final.pdf
 * (the signed PDF, to whoever sees the agreement), GET /agreements/:id/signatures/:sid/scan (the
 * paper scan, to the centre's staff).
 */
export function signatureRoutes(r: Router, ctx: Ctx, page: DetailPage) {
  const svc = ctx.services.signatures;
  const back = (req: Request, res: Response, key: string, number: string) => {
    flash(req, 'success', key, { number });
    res.redirect(303, `/agreements/${req.params.id}#signatures`);
  };
  const number = async (req: Request) => agreementNumber(await ctx.services.agreements.show(req.actor!, idParam(req.params.id)));

  detailAction(r, '/:id/sign', 'agreements.sign', {
    page,
    run: async (req, res) => {
      const input = parse(signSchema, req.body);
      await svc.sign(act(req), idParam(req.params.id), { pdfSha256: input.pdfSha256, ...clientOf(req) });
      back(req, res, 'signatures.sign.done', await number(req));
    },
  });
  detailAction(r, '/:id/signatures/:sid/paper', 'agreements.act', {
    page,
    before: [uploadSingle('scan', SCAN_UPLOAD, { required: true })],
    run: async (req, res) => {
      const file = takeUpload(req);
      const input = parse(paperSchema, req.body);
      await svc.recordPaper(act(req), idParam(req.params.id), idParam(req.params.sid), { signedOn: input.signedOn, file });
      back(req, res, 'common.saved', '');
    },
  });
  detailAction(r, '/:id/signatures/:sid/remind', 'agreements.act', {
    page,
    run: async (req, res) => {
      await svc.remind(act(req), idParam(req.params.id), idParam(req.params.sid));
      back(req, res, 'common.saved', '');
    },
  });
  // The PDF a signer reads before signing, whatever the centre's print rule for students: theirs to sign.
  r.get('/:id/sign/document.pdf', allow('agreements.sign'), async (req, res) => {
    const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
    // Printed once: the panel's hash would print it a second time.
    if (!(await signaturesOf(ctx, req.actor!, a)).mine) throw notFound();
    sendPdf(res, (await agreementPdf(ctx.db, a.id)).bytes, `convention-${agreementNumber(a)}.pdf`);
  });
  r.get('/:id/final.pdf', allow('agreements.view'), async (req, res) => {
    const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
    if (!a.finalPdfFileId) throw notFound();
    // The centre's print rule for students holds for the signed PDF too.
    if (!mayPrint(req.actor!, a, a.centre)) throw forbidden();
    const file = await ctx.db.storedFile.findUniqueOrThrow({ where: { id: a.finalPdfFileId }, select: { data: true } });
    sendPdf(res, Buffer.from(file.data), `convention-${agreementNumber(a)}-signee.pdf`);
  });
  r.get('/:id/signatures/:sid/scan', allow('agreements.view'), async (req, res) => {
    const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
    // The scan is the centre's record: its staff only (others: as if it did not exist).
    if (!hasCentreRight(req.actor!, a.centreId, 'READ')) throw notFound();
    const s = await ctx.db.agreementSignature.findFirst({ where: { id: idParam(req.params.sid), agreementId: a.id }, select: { paperFile: true } });
    if (!s?.paperFile) throw notFound();
    sendStoredFile(res, s.paperFile);
  });
}
