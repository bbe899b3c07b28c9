import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../context.js';
import { allow } from '../authz/guard.js';
import { loadActor } from '../authz/actor.js';
import { AppError } from '../errors.js';
import { cookieOptions, readCookie, secureCookies } from '../http/cookies.js';
import { flash, formHandler } from '../http/forms.js';
import { homeFor } from '../http/nav.js';
import { newRouter } from '../http/router.js';
import { f } from '../http/validate.js';
import { isLocale } from '../i18n/index.js';
import type { ClientHints } from './auth.service.js';
import { DEVICE_COOKIE, DEVICE_TTL_MS } from './device.js';
import { startSession } from './passport.js';

const newPassword = () =>
  z
    .string({ error: 'errors.field.required' })
    .min(10, 'auth.password.tooShort')
    .max(128, 'errors.field.tooLong|128')
    .refine((s) => !s.includes('\u0000'), 'errors.field.invalidChars');

const loginSchema = z.object({ email: f.email(), password: z.string({ error: 'errors.field.required' }).min(1, 'errors.field.required').max(128, 'errors.field.tooLong|128') });
const forgotSchema = z.object({ email: f.email() });
const resetSchema = z
  .object({ password: newPassword(), confirm: z.string({ error: 'errors.field.required' }).max(128) })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'auth.password.mismatch' });
const changeSchema = z
  .object({ currentPassword: z.string({ error: 'errors.field.required' }).min(1, 'errors.field.required').max(128), password: newPassword(), confirm: z.string().max(128) })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'auth.password.mismatch' });

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(v: unknown): string | null {
  return typeof v === 'string' && /^\/(?!\/|\\)[\w\-./?=&%]*$/.test(v) ? v : null;
}

/** A new session id and empty data (whoever was signed in is signed out); the language chosen stays. */
function regenerate(req: Request): Promise<void> {
  const locale = req.session.locale;
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      if (locale) req.session.locale = locale;
      resolve();
    }),
  );
}

/** What the throttles need to know of the client: its address, and its device cookie if any. */
const hintsOf = (req: Request): ClientHints => ({ address: req.ip ?? 'unknown', deviceCookie: readCookie(req, DEVICE_COOKIE) });

export function authRoutes(ctx: Ctx) {
  const r = newRouter();
  const auth = ctx.services.auth;
  const secure = secureCookies(ctx.config);
  const setDevice = (res: Response, value: string) => res.cookie(DEVICE_COOKIE, value, cookieOptions(secure, DEVICE_TTL_MS));

  // The sign-in page, with a button per institution that signs its members in (issue 15).
  const loginPage = async (req: Request, next: unknown) => ({ title: req.t('auth.login.title'), next: safeNext(next), ssoButtons: await ctx.services.sso.buttons() });

  r.get('/login', allow('public'), async (req, res) => {
    if (req.actor) return res.redirect(303, homeFor(req.actor));
    res.render('auth/login', await loginPage(req, req.query.next));
  });

  r.post(
    '/login',
    allow('public'),
    formHandler({
      schema: loginSchema,
      view: 'auth/login',
      locals: (req) => loginPage(req, req.body?.next),
      action: async (req, res, data) => {
        const result = await auth.signIn(data.email, data.password, hintsOf(req));
        const locals = result.kind === 'ok' ? {} : { ...(await loginPage(req, req.body?.next)), values: { email: data.email } };
        if (result.kind === 'blocked') {
          return res.status(429).render('auth/login', { ...locals, formError: 'auth.login.blocked' });
        }
        if (result.kind === 'invalid') {
          return res.status(401).render('auth/login', { ...locals, formError: 'auth.login.invalid' });
        }
        // The institution's members sign in through its provider (issue 15): the page says which button.
        if (result.kind === 'sso') return res.status(403).render('auth/login', { ...locals, formError: `sso.login.passwordsDisabled|${result.label}` });
        const actor = await loadActor(ctx.db, result.userId);
        if (!actor) return res.status(401).render('auth/login', { ...locals, formError: 'auth.login.invalid' });
        await startSession(req, actor);
        setDevice(res, result.device);
        res.redirect(303, safeNext(req.body?.next) ?? homeFor(actor));
      },
    }),
  );

  r.post('/logout', allow('public'), async (req, res) => {
    // Signed in through an institution's provider: the signed-out page offers its logout too.
    const sso = req.session.ssoInstitutionId;
    await new Promise<void>((resolve) => req.logout(() => resolve()));
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('stages.sid');
    res.redirect(303, sso ? `/sso/${sso}/signed-out` : '/login');
  });

  r.get('/password/forgot', allow('public'), (req, res) => {
    res.render('auth/forgot', { title: req.t('auth.forgot.title') });
  });

  r.post(
    '/password/forgot',
    allow('public'),
    formHandler({
      schema: forgotSchema,
      view: 'auth/forgot',
      locals: (req) => ({ title: req.t('auth.forgot.title') }),
      action: async (req, res, data) => {
        if (!(await auth.acceptResetRequest(req.ip ?? 'unknown'))) {
          return res.status(429).render('auth/forgot', { title: req.t('auth.forgot.title'), values: { email: data.email }, formError: 'rate_limited' });
        }
        // The same answer, at once, whether the account exists or not: the account is looked up
        // and the mail queued after it, so the answer's time says nothing either.
        res.render('auth/forgot-sent', { title: req.t('auth.forgot.title') });
        auth.inBackground('password-reset request', () => auth.requestPasswordReset(data.email, req.id));
      },
    }),
  );

  // The link from the e-mail: the token moves into the session at once so that it leaves the
  // address bar (and never reaches a Referer header or an access log of a later page). Opening it
  // signs no one out: a signed-in user keeps their session (its id was renewed at sign-in); an
  // anonymous visitor gets a new session id, so a session id planted beforehand cannot carry the token.
  r.get('/password/reset/:token', allow('public'), async (req, res) => {
    if (!req.actor) await regenerate(req);
    req.session.resetToken = String(req.params.token).slice(0, 200);
    res.redirect(303, '/password/reset');
  });

  const resetLocals = (req: Request) => ({ title: req.t('auth.reset.title') });
  r.get('/password/reset', allow('public'), async (req, res) => {
    const token = req.session.resetToken;
    if (!token || !(await auth.checkResetToken(token))) {
      return res.status(410).render('auth/reset-invalid', resetLocals(req));
    }
    res.render('auth/reset', resetLocals(req));
  });

  r.post(
    '/password/reset',
    allow('public'),
    formHandler({
      schema: resetSchema,
      view: 'auth/reset',
      locals: resetLocals,
      action: async (req, res, data) => {
        const token = req.session.resetToken;
        const done = token ? await auth.resetPassword(token, data.password, req.id) : null;
        if (!done) return void res.status(410).render('auth/reset-invalid', resetLocals(req));
        // Whoever was signed in on this browser signs in again, with the new password; the browser
        // that followed the link is one the account knows from now on.
        await regenerate(req);
        setDevice(res, auth.deviceCookie(done.email));
        flash(req, 'success', 'auth.reset.done');
        res.redirect(303, '/login');
      },
    }),
  );

  r.get('/account', allow('account.self'), async (req, res) => {
    // The label's reminders: a digest a day or a mail per step (src/modules/followup/reminders.routes.ts).
    res.render('auth/account', { title: req.t('auth.account.title'), values: { reminderMode: await ctx.services.reminders.modeOf(req.actor!) } });
  });

  r.get('/account/password', allow('account.self'), (req, res) => {
    res.render('auth/change-password', { title: req.t('auth.change.title') });
  });

  r.post(
    '/account/password',
    allow('account.self'),
    formHandler({
      schema: changeSchema,
      view: 'auth/change-password',
      locals: (req) => ({ title: req.t('auth.change.title') }),
      action: async (req, res, data) => {
        const result = await auth.changePassword(req.actor!, data.currentPassword, data.password, { hints: hintsOf(req), sessionId: req.sessionID, requestId: req.id });
        if (result === 'blocked') return void res.status(429).render('auth/change-password', { title: req.t('auth.change.title'), formError: 'auth.change.blocked' });
        flash(req, 'success', 'auth.change.done');
        res.redirect(303, '/account');
      },
    }),
  );

  // Language switch: kept in the session, and on the account when signed in.
  r.post('/lang', allow('public'), async (req: Request, res: Response) => {
    const lang = req.body?.lang;
    if (!isLocale(lang)) throw new AppError('bad_request');
    req.session.locale = lang;
    if (req.actor) await ctx.db.user.update({ where: { id: req.actor.id }, data: { locale: lang } });
    res.redirect(303, safeNext(req.body?.back) ?? '/');
  });

  return r;
}
