import ejs from 'ejs';
import path from 'node:path';
import type { Db, DbOrTx } from '../db/client.js';
import { formatters } from '../i18n/format.js';
import { translator, type LocaleCode } from '../i18n/index.js';
import { notifyOutbox } from './notify.js';
import { VIEWS_DIR } from '../http/views.js';

export const EMAIL_VIEWS = path.resolve(import.meta.dirname, '../../views/emails');

export interface QueueEmail {
  to: string;
  /** views/emails/<template>.html.ejs and <template>.text.ejs; subject: mail.<template>.subject */
  template: string;
  locale?: LocaleCode;
  data?: Record<string, unknown>;
  /** The same key is never queued twice (reminders, retries of a request). */
  dedupeKey?: string;
}

export async function renderEmail(template: string, locale: LocaleCode, data: Record<string, unknown> = {}) {
  const t = translator(locale);
  // The same formatters as the pages: one style of date everywhere ("1 mars 2027").
  const locals = { ...data, t, locale, fmt: formatters(locale) };
  const [html, text] = await Promise.all([
    ejs.renderFile(path.join(EMAIL_VIEWS, `${template}.html.ejs`), locals, { async: false, cache: true, root: VIEWS_DIR }),
    ejs.renderFile(path.join(EMAIL_VIEWS, `${template}.text.ejs`), locals, { async: false, cache: true, root: VIEWS_DIR, escape: (s: unknown) => String(s ?? '') }),
  ]);
  return { subject: t(`mail.${template}.subject`, data as Record<string, string>), html, text };
}

/**
 * Writes an e-mail to the outbox. Call it with the transaction that makes the change the e-mail
 * announces: if that transaction rolls back, the e-mail is never sent. Returns false when a message
 * with the same dedupe key was already queued.
 */
export async function queueEmail(db: DbOrTx, msg: QueueEmail): Promise<boolean> {
  return (await queueEmails(db, [msg])) === 1;
}

/** Queues many e-mails in one statement; returns how many were new (not deduplicated). */
export async function queueEmails(db: DbOrTx, msgs: QueueEmail[]): Promise<number> {
  if (!msgs.length) return 0;
  const data = await Promise.all(
    msgs.map(async (msg) => {
      const { subject, html, text } = await renderEmail(msg.template, msg.locale ?? 'fr', msg.data);
      return { to: msg.to, subject, html, text, template: msg.template, dedupeKey: msg.dedupeKey ?? null };
    }),
  );
  // One INSERT of arrays: Prisma's createMany takes several times longer for a few hundred messages.
  const count = await db.$executeRaw`INSERT INTO "OutboxEmail" ("to", subject, html, text, template, "dedupeKey")
    SELECT * FROM unnest(${data.map((d) => d.to)}::text[], ${data.map((d) => d.subject)}::text[], ${data.map((d) => d.html)}::text[], ${data.map((d) => d.text)}::text[], ${data.map((d) => d.template)}::text[], ${data.map((d) => d.dedupeKey)}::text[])
    ON CONFLICT DO NOTHING`;
  if (count) await notifyOutbox(db);
  return count;
}

/**
 * How long the outbox keeps a message once it is settled: it holds names, addresses and links, so
 * it goes when no one needs it any more (support questions about a sent message, a failed one
 * looked into).
 */
export const OUTBOX_RETENTION_DAYS = { SENT: 90, FAILED: 365 } as const;

/**
 * The daily purge of settled messages past their retention. A message with a dedupe key keeps its
 * row, emptied, so that the key still stops the same reminder from being queued again.
 * Returns how many messages were purged.
 */
export async function purgeOutbox(db: Db, now: Date): Promise<number> {
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  const old = {
    OR: [
      { status: 'SENT' as const, sentAt: { lt: daysAgo(OUTBOX_RETENTION_DAYS.SENT) } },
      { status: 'FAILED' as const, createdAt: { lt: daysAgo(OUTBOX_RETENTION_DAYS.FAILED) } },
    ],
  };
  return db.$transaction(async (tx) => {
    const deleted = await tx.outboxEmail.deleteMany({ where: { ...old, dedupeKey: null } });
    const emptied = await tx.outboxEmail.updateMany({
      where: { ...old, dedupeKey: { not: null }, NOT: { to: '' } },
      data: { to: '', subject: '', html: '', text: '', lastError: null },
    });
    return deleted.count + emptied.count;
  });
}
