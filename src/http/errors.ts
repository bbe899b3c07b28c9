import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError, errorMessage, notFound, type ErrorCode } from '../errors.js';
import { DEFAULT_LOCALE, translator } from '../i18n/index.js';
import { log } from '../log.js';

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(notFound());
}

function statusOf(err: unknown): number {
  if (err instanceof AppError) return err.status;
  // The database away (session store, Prisma, pg, timeouts): 503 while it lasts, not a 500.
  if (isDatabaseUnavailable(err)) return 503;
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string };
  if (e?.code === 'EBADCSRFTOKEN') return 403;
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return 413;
  if (e?.type === 'entity.parse.failed' || e?.type === 'charset.unsupported') return 400;
  const s = e?.status ?? e?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

function codeOf(err: unknown, status: number): ErrorCode {
  if (err instanceof AppError) return err.code;
  const byStatus: Record<number, ErrorCode> = { 400: 'bad_request', 403: 'csrf', 404: 'not_found', 413: 'too_large', 503: 'unavailable' };
  return byStatus[status] ?? 'server';
}

/** A short text for the log: the message and the code, never `undefined` for a value that is no Error. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message || err.name;
  }
  if (err === undefined || err === null) return `no error object (${String(err)})`;
  try {
    return typeof err === 'object' ? JSON.stringify(err) : String(err);
  } catch {
    return String(err);
  }
}

/**
 * One handler for every error: a page (or JSON for JSON clients), never a stack trace, a
 * template's source or a path. It never hands an error on: should the error page itself fail to
 * render, a plain page in both languages is sent instead, so Express's own handler is never reached.
 */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  try {
    respond(err, req, res);
  } catch (failure) {
    log.error('error page failed', { requestId: req.id, error: describeError(failure) });
    plainPage(res, 500, req.id);
  }
}

function respond(err: unknown, req: Request, res: Response) {
  const status = statusOf(err);
  if (status === 503) log.warn('database unavailable', { requestId: req.id, method: req.method, error: describeError(err) });
  else if (status >= 500) log.error('request failed', { requestId: req.id, method: req.method, route: req.route?.path, error: (err as Error)?.stack ?? describeError(err) });
  else log.info('request refused', { requestId: req.id, status, code: (err as AppError)?.code ?? (err as { code?: string })?.code });
  if (res.headersSent) return;
  const code = codeOf(err, status);
  res.status(status);
  if (status === 503) res.setHeader('Retry-After', '5');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: code, requestId: req.id });
    return;
  }
  const t = req.t ?? translator(DEFAULT_LOCALE);
  // A request that failed before the view locals were set (the session store down, say) still
  // gets a page: the layout's locals default to an anonymous visitor's.
  const defaults = { t, msg: t, locale: req.locale ?? DEFAULT_LOCALE, actor: null, nav: { sections: [], items: [] }, flash: [], currentPath: req.path, values: {}, errors: {}, csrfToken: '' };
  for (const [k, v] of Object.entries(defaults)) if (!(k in res.locals)) res.locals[k] = v;
  const page = [403, 404, 413, 422, 429, 503].includes(status) ? status : status >= 500 ? 500 : 400;
  const locals = {
    title: t(`errors.page.${page}.title`),
    status,
    message: t(`errors.page.${page}.message`),
    detail: code !== 'not_found' && code !== 'forbidden' ? errorMessage(code, req.locale ?? 'fr') : null,
    requestId: req.id,
  };
  res.render('errors/error', locals, (renderErr: Error | null, html: string) => {
    if (!renderErr) return void res.send(html);
    // The render error's message may quote the template's source: the log has it, the client not.
    log.error('error page failed', { requestId: req.id, error: renderErr.stack ?? describeError(renderErr) });
    plainPage(res, status, req.id);
  });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The last resort: no template, no locals, nothing from the error. */
function plainPage(res: Response, status: number, requestId: string | undefined) {
  if (res.headersSent) return void res.end();
  const unavailable = status === 503;
  const fr = unavailable ? 'Service momentanément indisponible : réessayez dans quelques instants.' : 'Erreur du serveur.';
  const en = unavailable ? 'Service temporarily unavailable: try again in a few moments.' : 'Server error.';
  res
    .status(status)
    .type('html')
    .send(
      `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Stages</title></head><body><h1>${fr}</h1><p lang="en">${en}</p>` +
        `<p>Référence / reference: <code>${escape(String(requestId ?? ''))}</code></p><p><a href="/">Stages</a></p></body></html>`,
    );
}
