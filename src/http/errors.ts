import type { NextFunction, Request, Response } from 'express';
import { AppError, errorMessage, notFound } from '../errors.js';
import { DEFAULT_LOCALE, translator } from '../i18n/index.js';
import { log } from '../log.js';

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(notFound());
}

function statusOf(err: unknown): number {
  if (err instanceof AppError) return err.status;
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string };
  if (e?.code === 'EBADCSRFTOKEN') return 403;
  if (e?.type === 'entity.too.large' || e?.code === 'LIMIT_FILE_SIZE') return 413;
  if (e?.type === 'entity.parse.failed' || e?.type === 'charset.unsupported') return 400;
  const s = e?.status ?? e?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

/** One handler for every error: a page (or JSON for JSON clients), never a stack trace. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction) {
  const status = statusOf(err);
  if (status >= 500) log.error('request failed', { requestId: req.id, method: req.method, route: req.route?.path, error: (err as Error)?.stack ?? String(err) });
  else log.info('request refused', { requestId: req.id, status, code: (err as AppError)?.code ?? (err as { code?: string })?.code });
  if (res.headersSent) return;
  const code = err instanceof AppError ? err.code : status === 403 ? 'csrf' : status === 413 ? 'too_large' : status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'server';
  res.status(status);
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: code, requestId: req.id });
    return;
  }
  const t = req.t ?? translator(DEFAULT_LOCALE);
  // A request that failed before the view locals were set (the session store down, say) still
  // gets a page: the layout's locals default to an anonymous visitor's.
  const defaults = { t, msg: t, locale: req.locale ?? DEFAULT_LOCALE, actor: null, nav: [], flash: [], currentPath: req.path, values: {}, errors: {}, csrfToken: '' };
  for (const [k, v] of Object.entries(defaults)) if (!(k in res.locals)) res.locals[k] = v;
  const page = [403, 404, 413, 422, 429].includes(status) ? status : status >= 500 ? 500 : 400;
  res.render('errors/error', {
    title: t(`errors.page.${page}.title`),
    status,
    message: t(`errors.page.${page}.message`),
    detail: code !== 'not_found' && code !== 'forbidden' ? errorMessage(code, req.locale ?? 'fr') : null,
    requestId: req.id,
  });
}
