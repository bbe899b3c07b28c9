import { gunzipSync, gzipSync } from 'node:zlib';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { CSV_UPLOAD, takeUpload, uploadSingle } from '../../files/upload.js';
import { ValidationError } from '../../errors.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { f } from '../../http/validate.js';
import { ENGLISH_HEADERS, exampleCsv, FRENCH_HEADERS, IMPORT_COLUMNS, MAX_IMPORT_ROWS, parseImport, parseImportField } from './students.import-file.js';

/** What the session keeps of an import between its preview and its confirmation (the file, gzipped). */
interface PendingImport {
  institutionId: number;
  fileName: string;
  sha256: string;
  gz: string;
}

declare module 'express-session' {
  interface SessionData {
    studentImport?: PendingImport;
  }
}

// The CSV import of students (permission 'students.manage'): upload → preview → confirm or cancel.
// The file waits in the session between the steps; the plan is computed again at each of them.
export function studentImportRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.students;

  const importLocals = async (req: Request) => {
    const institutions = await svc.importInstitutions(req.actor!);
    return {
      title: req.t('students.import.title'),
      institutionOptions: institutions.map((i) => ({ value: i.id, label: i.name })),
      frenchHeaders: IMPORT_COLUMNS.map((c) => FRENCH_HEADERS[c]),
      englishHeaders: IMPORT_COLUMNS.map((c) => ENGLISH_HEADERS[c]),
      maxRows: MAX_IMPORT_ROWS,
      maxKb: CSV_UPLOAD.maxBytes / 1024,
      pending: req.session.studentImport ? { fileName: req.session.studentImport.fileName } : null,
    };
  };

  formPage(r, '/students/import', 'students.manage', {
    view: 'students/import',
    schema: z.object({ institutionId: f.id() }),
    locals: importLocals,
    // One institution: chosen already.
    initial: (l) => (l.institutionOptions.length === 1 ? { institutionId: l.institutionOptions[0].value } : {}),
    // Required: a missing file is said with the institution's message, at the first submit.
    beforePost: [uploadSingle('file', CSV_UPLOAD, { required: true })],
    action: async (req, res, { institutionId }) => {
      const allowed = await svc.importInstitutions(req.actor!);
      if (!allowed.some((i) => i.id === institutionId)) throw new ValidationError({ institutionId: 'errors.field.choice' });
      const file = takeUpload(req, { field: 'file' });
      parseImportField(file.buffer);
      req.session.studentImport = { institutionId, fileName: file.originalName, sha256: file.sha256, gz: gzipSync(file.buffer).toString('base64') };
      res.redirect(303, '/students/import/preview');
    },
  });

  r.get('/students/import/example.csv', allow('students.manage'), (_req, res) => {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="exemple-import-etudiants.csv"');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(exampleCsv());
  });

  const pendingImport = (req: Request) => {
    const p = req.session.studentImport;
    if (!p) return null;
    return { ...p, parsed: parseImport(gunzipSync(Buffer.from(p.gz, 'base64'))) };
  };

  // The preview; after a refused confirmation (the transaction rolled back), the same plan again
  // with the reason at the top.
  const previewPage = async (req: Request, res: Response, problem?: PageProblem) => {
    const p = pendingImport(req);
    if (!p) return res.redirect(303, '/students/import');
    const plan = await svc.planImport(req.actor!, p.institutionId, p.parsed);
    const formError = problem ? (plan.counts.REFUSED ? 'students.import.fixFile' : 'students.import.nothingToDo') : undefined;
    res.status(problem?.status ?? 200).render('students/import-preview', { title: req.t('students.import.previewTitle'), plan, fileName: p.fileName, sha256: p.sha256, formError });
  };

  r.get('/students/import/preview', allow('students.manage'), async (req, res) => {
    await previewPage(req, res);
  });

  detailAction(r, '/students/import/confirm', 'students.manage', {
    page: previewPage,
    run: async (req, res) => {
      const p = pendingImport(req);
      // No pending import, or another file was previewed since this page was shown.
      if (!p || req.body?.sha256 !== p.sha256) {
        flash(req, 'error', 'students.import.expired');
        return res.redirect(303, p ? '/students/import/preview' : '/students/import');
      }
      const plan = await svc.applyImport(act(req), p.institutionId, p.parsed, { name: p.fileName, sha256: p.sha256 });
      delete req.session.studentImport;
      flash(req, 'success', 'students.import.done', { created: plan.counts.CREATE, updated: plan.counts.UPDATE, unchanged: plan.counts.UNCHANGED });
      res.redirect(303, '/students');
    },
  });

  r.post('/students/import/cancel', allow('students.manage'), (req, res) => {
    delete req.session.studentImport;
    flash(req, 'info', 'students.import.cancelled');
    res.redirect(303, '/students/import');
  });
}
