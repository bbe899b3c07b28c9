import type { NextFunction, Request, Response } from 'express';
import type { Ctx } from '../context.js';
import { allow } from '../authz/guard.js';
import { notFound } from '../errors.js';
import { idParam, pageParam, pager } from '../http/pagination.js';
import { newRouter } from '../http/router.js';

export const MAILBOX_PAGE_SIZE = 25;

/**
 * Outgoing mail is rendered in a sandboxed frame from this route only: no script, no network,
 * nothing but inline styles and data: images, and only inside the app's own pages.
 */
export const MAIL_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox";

const listSelect = { id: true, to: true, subject: true, status: true, attempts: true, createdAt: true, sentAt: true } as const;


/**
 * The development mailbox (platform admin): what the outbox holds when no SMTP server is
 * configured. With SMTP_URL the pages do not exist (404): mail then leaves the platform.
 */
export function mailboxRoutes(ctx: Ctx) {
  const r = newRouter();
  const db = ctx.db;

  const withoutSmtp = (_req: Request, _res: Response, next: NextFunction) => (ctx.config.SMTP_URL ? next(notFound()) : next());

  r.get('/mailbox', allow('dev.mailbox'), withoutSmtp, async (req, res) => {
    const page = pager(pageParam(req.query.page), await db.outboxEmail.count(), MAILBOX_PAGE_SIZE);
    const messages = await db.outboxEmail.findMany({
      select: listSelect,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: page.skip,
      take: MAILBOX_PAGE_SIZE,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.render('dev/mailbox', { title: req.t('mailbox.title'), messages, pager: page, baseUrl: '/dev/mailbox' });
  });

  r.get('/mailbox/:id', allow('dev.mailbox'), withoutSmtp, async (req, res) => {
    const message = await db.outboxEmail.findUnique({ where: { id: idParam(req.params.id) } });
    if (!message) throw notFound();
    res.setHeader('Cache-Control', 'no-store');
    res.render('dev/message', {
      title: req.t('mailbox.message.title', { id: message.id }),
      message,
      from: ctx.config.MAIL_FROM,
    });
  });

  r.get('/mailbox/:id/html', allow('dev.mailbox'), withoutSmtp, async (req, res) => {
    const message = await db.outboxEmail.findUnique({ where: { id: idParam(req.params.id) }, select: { html: true } });
    if (!message) throw notFound();
    res.setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.type('html').send(message.html);
  });

  return r;
}
