import { ACCEPTS_MULTIPART } from '../authz/guard.js';
import { createHash } from 'node:crypto';
import type { CsrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';
import type { DbOrTx } from '../db/client.js';
import { AppError, ValidationError } from '../errors.js';
import { cleanFields } from '../http/input.js';

/**
 * File uploads: multer (memory storage, strict limits) → CSRF check on the parsed body → content
 * sniffing with file-type. The client's MIME type and file name extension are never trusted: a file
 * is accepted only when its bytes are one of the allowed kinds, and it is stored with the sniffed
 * type. Files live in PostgreSQL (StoredFile) so that several app instances share them.
 *
 *   router.post('/:id/logo', allow('centre.manage'), uploadSingle('logo', LOGO), formHandler({ …,
 *     action: async (req, res) => { const file = takeUpload(req); await svc.setLogo(actor, id, file); … } }))
 */

/** Kinds of file the helper can recognise, by the extension we store. */
export type FileKind = 'png' | 'jpg' | 'gif' | 'webp' | 'pdf' | 'doc' | 'docx' | 'odt' | 'csv';

interface KindSpec {
  /** Extensions file-type reports for this kind. */
  sniffed: string[];
  /** The MIME type to store (default: the sniffed one). */
  mime?: string;
  /** Shown in messages ("PNG, JPEG"). */
  label: string;
  /** Extra check on the client's file name (used where the sniffed container is generic). */
  nameExt?: RegExp;
  /** A plain-text kind: no signature to sniff, so the content must be text (see looksLikeText). */
  text?: true;
}

const KINDS: Record<FileKind, KindSpec> = {
  png: { sniffed: ['png'], label: 'PNG' },
  jpg: { sniffed: ['jpg'], label: 'JPEG' },
  gif: { sniffed: ['gif'], label: 'GIF' },
  webp: { sniffed: ['webp'], label: 'WebP' },
  pdf: { sniffed: ['pdf'], label: 'PDF' },
  // Word 97-2003 files are OLE compound files: file-type only says "cfb", so the name must agree.
  doc: { sniffed: ['cfb'], mime: 'application/msword', label: 'DOC', nameExt: /\.doc$/i },
  docx: { sniffed: ['docx'], label: 'DOCX' },
  odt: { sniffed: ['odt'], label: 'ODT' },
  // Text has no signature: accepted when file-type recognises nothing and the bytes look like text.
  // The module reading it checks the encoding (UTF-8) itself, to say so precisely.
  csv: { sniffed: [], mime: 'text/csv', label: 'CSV', text: true },
};

/** Content types a browser may display inline; everything else is served as a download. */
export const INLINE_MIME_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface UploadOptions {
  maxBytes: number;
  types: readonly FileKind[];
}

/** Ready-made option sets. */
export const LOGO_UPLOAD: UploadOptions = { maxBytes: 1024 * 1024, types: ['png', 'jpg'] };
export const DOCUMENT_UPLOAD: UploadOptions = { maxBytes: 8 * 1024 * 1024, types: ['pdf', 'doc', 'docx', 'odt'] };
export const CSV_UPLOAD: UploadOptions = { maxBytes: 2 * 1024 * 1024, types: ['csv'] };
/** An offer's attached file (short form): ≤ 500 KB, doc, docx, pdf or odt. */
export const OFFER_ATTACHMENT_UPLOAD: UploadOptions = { maxBytes: 500 * 1024, types: ['pdf', 'doc', 'docx', 'odt'] };

/** A file whose content has been checked: what storeFile writes. */
export interface CheckedFile {
  field: string;
  originalName: string;
  extension: string;
  mimeType: string;
  size: number;
  sha256: string;
  buffer: Buffer;
}

declare global {
  namespace Express {
    interface Request {
      /** The uploaded file once its content was checked (set by uploadSingle). */
      checkedFile?: CheckedFile;
      /** Why the uploaded file was refused: { field: message key } (set by uploadSingle and uploadFields). */
      uploadErrors?: Record<string, string>;
      /** The uploaded files once their content was checked, by field (set by uploadFields). */
      checkedFiles?: Record<string, CheckedFile[]>;
      /** The multipart body could not be read to its end: the form is shown again with status 400. */
      malformedBody?: true;
    }
  }
}

export function typesLabel(types: readonly FileKind[]): string {
  return [...new Set(types.map((t) => KINDS[t].label))].join(', ');
}

/** Keeps the last path segment, drops control characters and caps the length. */
export function cleanFileName(name: string | undefined, fallbackExt: string): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(-200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : `file.${fallbackExt}`;
}

/**
 * Identifies `buffer` among the allowed kinds by its content. Returns the stored extension and
 * MIME type, or null when the content is not one of them (whatever its name says).
 */
export async function sniff(buffer: Uint8Array, types: readonly FileKind[], clientName = ''): Promise<{ extension: string; mimeType: string } | null> {
  if (!buffer.length) return null;
  const found = await fileTypeFromBuffer(buffer);
  if (!found) {
    const textKind = types.find((k) => KINDS[k].text);
    return textKind && looksLikeText(buffer) ? { extension: textKind, mimeType: KINDS[textKind].mime! } : null;
  }
  for (const kind of types) {
    const spec = KINDS[kind];
    if (!spec.sniffed.includes(found.ext)) continue;
    if (spec.nameExt && !spec.nameExt.test(clientName)) continue;
    return { extension: kind, mimeType: spec.mime ?? found.mime };
  }
  return null;
}

/**
 * Plain text: no NUL byte and no control character other than tab, line feed, form feed and
 * carriage return. Bytes above 0x7f are allowed here (the encoding is the reader's business).
 */
export function looksLikeText(buffer: Uint8Array): boolean {
  for (const b of buffer) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
  }
  return true;
}

function csrfValid(req: Request): boolean {
  const csrf = req.app.locals.csrf as CsrfSync | undefined;
  return !!csrf && csrf.isRequestValid(req);
}

export function isMultipart(req: Request): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

/**
 * Express middleware for a form with one file field. app.ts lets multipart requests through its
 * CSRF check, so this helper checks the token once multer has parsed the body: a missing or wrong
 * token is a 403 and nothing is kept. Then the content is sniffed: the request carries either
 * `req.checkedFile` or `req.uploadErrors` ({ field: message key }); `takeUpload(req)` turns the
 * latter into a ValidationError (422, form re-rendered) inside a formHandler action.
 */
/**
 * The largest text field a multipart form reads (bytes). Far above the longest schema limit (5,000
 * characters, at most 20 KB in UTF-8): an over-long text is refused by its form's schema, beside its
 * field, with what was typed kept. Beyond this, the field cannot be read and the form is shown again
 * with the message beside that field (parseError).
 */
export const MULTIPART_FIELD_BYTES = 256 * 1024;

/** multer in memory with the limits every upload form shares; `files` and `parts` vary. */
function memoryParser(maxBytes: number, files: number) {
  return multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files, fields: 20, fieldSize: MULTIPART_FIELD_BYTES, fieldNameSize: 100, parts: 20 + files, headerPairs: 50 },
  });
}

/** multer's body, cleaned like every other (src/http/input.ts), with what uploadSingle/uploadFields set reset. */
function resetUpload(req: Request) {
  req.body = cleanFields(req.body);
  delete req.checkedFile;
  delete req.checkedFiles;
  delete req.uploadErrors;
  delete req.malformedBody;
}

/**
 * What multer's error means: a limit of a file is said beside its field (the caller's business:
 * returned as is); a text field too long to be read is said beside that field, the form shown again
 * (422; what followed it in the body is lost, what preceded it kept); another limit of the form is
 * a 413; a body that cannot be read (a malformed part header — a NUL in a file name —, a truncated
 * body) is the form shown again with status 400 and the message beside the file field.
 */
function parseError(req: Request, err: unknown, field: string): multer.MulterError | null {
  if (err instanceof multer.MulterError) {
    if (err.code === 'LIMIT_FIELD_VALUE' && err.field && /^[\w.[\]-]{1,100}$/.test(err.field)) {
      req.uploadErrors = { [err.field]: 'errors.field.tooLongUnread' };
      return null;
    }
    if (err.code === 'LIMIT_FIELD_VALUE' || err.code === 'LIMIT_FIELD_COUNT' || err.code === 'LIMIT_PART_COUNT' || err.code === 'LIMIT_FILE_COUNT') throw new AppError('too_large');
    if (err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_UNEXPECTED_FILE') return err;
    throw new AppError('bad_request');
  }
  // busboy's own errors ("Malformed part header", "Unexpected end of form"…) are plain Errors.
  req.malformedBody = true;
  req.uploadErrors = { [field]: 'errors.field.fileMalformed' };
  return null;
}

/** The description of a file whose content matched an allowed kind. */
function checkedFile(field: string, file: Express.Multer.File, kind: { extension: string; mimeType: string }): CheckedFile {
  return {
    field,
    originalName: cleanFileName(file.originalname, kind.extension),
    extension: kind.extension,
    mimeType: kind.mimeType,
    size: file.buffer.length,
    sha256: createHash('sha256').update(file.buffer).digest('hex'),
    buffer: file.buffer,
  };
}

/**
 * `required`: a form posted without the file carries its "choose a file" message in
 * `req.uploadErrors` at once, so that it is shown with the other fields' messages (formHandler).
 */
export function uploadSingle(field: string, opts: UploadOptions, { required = false } = {}): RequestHandler {
  const parser = memoryParser(opts.maxBytes, 1).single(field);

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    parser(req, res, (err?: unknown) => {
      check(err).then(() => next(), next);
    });

    async function check(err: unknown) {
      resetUpload(req);
      // The hidden _csrf field comes first in our forms, so it is parsed even when the file that
      // follows is refused for its size.
      if (!csrfValid(req)) {
        req.file = undefined;
        throw new AppError('csrf');
      }
      if (err) {
        req.file = undefined;
        const limit = parseError(req, err, field);
        if (limit?.code === 'LIMIT_FILE_SIZE') req.uploadErrors = { [field]: 'errors.field.fileTooLarge' };
        else if (limit) throw new AppError('bad_request');
        return;
      }
      const file = req.file;
      req.file = undefined; // only the checked file goes further
      if (!file) {
        if (required) req.uploadErrors = { [field]: 'errors.field.fileMissing' };
        return;
      }
      const kind = await sniff(file.buffer, opts.types, file.originalname);
      if (!kind) {
        req.uploadErrors = { [field]: `errors.field.fileType|${typesLabel(opts.types)}` };
        return;
      }
      req.checkedFile = checkedFile(field, file, kind);
    }
  };
  // Tells the route guard that this route takes multipart bodies (and checks their CSRF token).
  return Object.assign(middleware, { [ACCEPTS_MULTIPART]: true });
}

/**
 * Express middleware for a form with several file fields (`[{ name: 'cv', maxCount: 1 }, …]`), each
 * checked like uploadSingle's: the CSRF token once multer has parsed the body (403, nothing kept),
 * then the content of every file. The request carries `req.checkedFiles` ({ field: files }) and,
 * for the files refused, `req.uploadErrors` ({ field: message key }); `takeUploads(req)` turns the
 * latter into a ValidationError inside a formHandler action.
 */
export function uploadFields(fields: { name: string; maxCount: number }[], opts: UploadOptions): RequestHandler {
  const maxFiles = fields.reduce((n, f) => n + f.maxCount, 0);
  // One file more than the fields take: a field's extra file is then refused beside that field (422).
  const parser = memoryParser(opts.maxBytes, maxFiles + 1).fields(fields);

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    parser(req, res, (err?: unknown) => {
      check(err).then(() => next(), next);
    });

    async function check(err: unknown) {
      resetUpload(req);
      const received = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
      req.files = undefined; // only the checked files go further
      if (!csrfValid(req)) throw new AppError('csrf');
      if (err) {
        const limit = parseError(req, err, fields[0].name);
        if (!limit) return;
        const known = !!limit.field && fields.some((f) => f.name === limit.field);
        const field = known ? limit.field! : fields[0].name;
        if (limit.code === 'LIMIT_FILE_SIZE') req.uploadErrors = { [field]: 'errors.field.fileTooLarge' };
        else if (known) req.uploadErrors = { [field]: 'errors.field.tooManyFiles' };
        else throw new AppError('bad_request');
        return;
      }
      const checked: Record<string, CheckedFile[]> = {};
      const errors: Record<string, string> = {};
      for (const { name } of fields) {
        for (const file of received[name] ?? []) {
          const kind = await sniff(file.buffer, opts.types, file.originalname);
          if (!kind) {
            errors[name] ??= `errors.field.fileType|${typesLabel(opts.types)}`;
            continue;
          }
          (checked[name] ??= []).push(checkedFile(name, file, kind));
        }
      }
      req.checkedFiles = checked;
      if (Object.keys(errors).length) req.uploadErrors = errors;
    }
  };
  // Tells the route guard that this route takes multipart bodies (and checks their CSRF token).
  return Object.assign(middleware, { [ACCEPTS_MULTIPART]: true });
}

/** The checked files of this request by field, or a ValidationError when any was refused. */
export function takeUploads(req: Request): Record<string, CheckedFile[]> {
  if (req.uploadErrors) throw new ValidationError(req.uploadErrors);
  return req.checkedFiles ?? {};
}

/**
 * The checked file of this request, or a ValidationError (→ 422 with the message beside the field)
 * when it was refused or, if required, missing.
 */
export function takeUpload(req: Request, opts?: { required?: true; field?: string }): CheckedFile;
export function takeUpload(req: Request, opts: { required: false; field?: string }): CheckedFile | null;
export function takeUpload(req: Request, opts: { required?: boolean; field?: string } = {}): CheckedFile | null {
  if (req.uploadErrors) throw new ValidationError(req.uploadErrors);
  if (req.checkedFile) return req.checkedFile;
  if (opts.required === false) return null;
  throw new ValidationError({ [opts.field ?? 'file']: 'errors.field.fileMissing' });
}


/** Writes a checked file (bytes, hash, size, sniffed type) and returns its row without the bytes. */
/** What an audit row says of a stored file (never its bytes). */
export function fileSummary(f: { id: number; originalName: string; mimeType: string; size: number; sha256: string }) {
  return { fileId: f.id, originalName: f.originalName, mimeType: f.mimeType, size: f.size, sha256: f.sha256 };
}

export async function storeFile(db: DbOrTx, file: CheckedFile, uploaderId: number | null) {
  return db.storedFile.create({
    data: {
      originalName: file.originalName,
      mimeType: file.mimeType,
      extension: file.extension,
      size: file.size,
      sha256: file.sha256,
      data: new Uint8Array(file.buffer), // a copy backed by its own ArrayBuffer
      uploadedById: uploaderId,
    },
    select: { id: true, originalName: true, mimeType: true, extension: true, size: true, sha256: true, createdAt: true },
  });
}

/** RFC 6266 header value with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Sends a stored file with its sniffed type, never sniffed again by the browser. Only image types
 * are shown inline; anything else is a download. Never kept by a cache (a CV, a letter: personal
 * data; see src/http/cache.ts); the ETag is the content hash.
 */
export function sendStoredFile(
  res: Response,
  file: { data: Uint8Array; mimeType: string; extension: string; originalName: string; sha256: string },
  opts: { inline?: boolean } = {},
) {
  const inline = !!opts.inline && INLINE_MIME_TYPES.has(file.mimeType);
  const stem = file.originalName.replace(/\.[^.]*$/, '') || 'file';
  res.setHeader('Content-Type', file.mimeType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', `${stem}.${file.extension}`));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('ETag', `"${file.sha256}"`);
  res.send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength));
}
