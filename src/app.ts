import express, { type Express } from 'express';
import helmet from 'helmet';
import { Passport } from 'passport';
import path from 'node:path';
import type pg from 'pg';
import { authRoutes } from './auth/auth.routes.js';
import { configurePassport } from './auth/passport.js';
import { createContext, type AppDeps, type Ctx } from './context.js';
import { closeDocumentWorkers, configureDocumentWorkers } from './documents/index.js';
import { createPool, timeoutsOf } from './db/client.js';
import { noStore } from './http/cache.js';
import { secureCookies } from './http/cookies.js';
import { csrfProtection } from './http/csrf.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { useViews } from './http/views.js';
import { cleanInput } from './http/input.js';
import { localeMiddleware, requestId, viewLocals } from './http/locals.js';
import { statusBadge } from './http/status.js';
import { mount } from './http/router.js';
import { ABSOLUTE_TIMEOUT_MS, sessions } from './http/session.js';
import { coreRoutes } from './modules/core/core.routes.js';
import { dashboardRoutes } from './modules/dashboard/dashboard.routes.js';
import { institutionsRoutes } from './modules/institutions/institutions.routes.js';
import { centresRoutes } from './modules/institutions/centres.routes.js';
import { mailboxRoutes } from './mail/mailbox.routes.js';
import { organisationsRoutes } from './modules/organisations/organisations.routes.js';
import { companiesRoutes } from './modules/companies/companies.routes.js';
import { studentsRoutes } from './modules/students/students.routes.js';
import { offersRoutes } from './modules/offers/offers.routes.js';
import { requestsRoutes } from './modules/requests/requests.routes.js';
import { applicationsRoutes } from './modules/applications/applications.routes.js';
import { sheetsRoutes } from './modules/sheets/sheets.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { parametersRoutes } from './modules/legal/parameters.routes.js';
import { simulatorRoutes } from './modules/legal/simulator.routes.js';
import { agreementsRoutes } from './modules/agreements/agreements.routes.js';
import { attestationLinkRoutes } from './modules/agreements/agreements.attestation-link.routes.js';
import { evaluationLinkRoutes } from './modules/evaluations/evaluations.link.routes.js';
import { evaluationRoutes } from './modules/evaluations/evaluations.routes.js';
import { evaluationFormRoutes } from './modules/evaluations/forms.routes.js';
import { calendarRoutes } from './modules/followup/followup.calendar.routes.js';
import { reminderRoutes } from './modules/followup/reminders.routes.js';
import { feedbackRoutes } from './modules/followup/feedback.routes.js';
import { followupListsRoutes } from './modules/followup/followup.lists.routes.js';
import { signLinkRoutes } from './modules/signatures/signatures.link.routes.js';
import { agreementsPrintRoutes } from './modules/agreements/agreements.print.routes.js';
import { agreementWizardRoutes } from './modules/agreements/wizard/wizard.routes.js';
import { agreementsFindRoutes } from './modules/agreements/agreements.find.routes.js';
import { agreementsExportRoutes } from './modules/agreements/export/export.routes.js';
import { labelHistoryRoutes } from './modules/label/history.routes.js';
import { labelVerifyRoutes } from './modules/label/verify.routes.js';
import { ssoRoutes } from './modules/sso/sso.routes.js';
import { ssoAdminRoutes } from './modules/sso/sso.admin.routes.js';
import { statisticsRoutes } from './modules/statistics/statistics.routes.js';
import { usefulDocumentsRoutes } from './modules/useful-documents/documents.routes.js';
import { helpdeskRoutes } from './modules/helpdesk/helpdesk.routes.js';
import { privacyRoutes } from './modules/privacy/privacy.routes.js';
import { historyRoutes } from './modules/privacy/history.routes.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS } from './http/session.js';

export type { AppDeps } from './context.js';

/** Builds the Express application; tests import it with their own database. */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  const ctx = createContext(deps);
  app.locals.ctx = ctx;
  configureDocumentWorkers(config.PDF_WORKERS);
  // The label and tone of a status badge (views/partials/status-badge.ejs): the same for every request.
  app.locals.statusBadge = statusBadge;

  // Express's last-resort handler prints stack traces unless its "env" is production. Ours
  // (errorHandler) answers every error, but should anything ever reach Express's, it says nothing.
  app.set('env', 'production');
  // A number of hops (TRUST_PROXY=1 behind one reverse proxy) must reach Express as a number: as a
  // string it is read as a list of addresses, trusts no one, and every client gets the proxy's address
  // (one sign-in throttle for everybody).
  const trust = config.TRUST_PROXY;
  app.set('trust proxy', trust === 'false' ? false : trust === 'true' ? true : /^\d+$/.test(trust) ? Number(trust) : trust);
  // Only development reads an edited view at once.
  useViews(app, { cache: !config.VIEWS_RELOAD });
  app.disable('x-powered-by');

  app.use(requestId(ctx.clock));
  const secure = secureCookies(config);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          ...(secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: secure,
    }),
  );
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: config.NODE_ENV === 'production' ? '1d' : 0, index: false }));
  app.use(noStore);
  // 1 MB: far above what any form's schema accepts (its longest text, 5,000 characters, is at most
  // 60 KB once URL-encoded), so that an over-long text is refused by the schema beside its field,
  // with what was typed kept, instead of a 413 page that loses everything.
  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 500 }));
  // No JSON parser: no route takes JSON. Every field, of the body and of the query string, is a
  // string or a list of strings, without control characters (src/http/input.ts).
  app.use(cleanInput);

  // The session store's pool has the same timeouts as Prisma's: a request never hangs on either.
  const pool = createPool(deps.databaseUrl, { max: 5, timeouts: timeoutsOf(config), name: 'session store' });
  app.locals.pool = pool;
  app.use(sessions({ pool, secret: config.SESSION_SECRET, secure, prune: config.NODE_ENV !== 'test' }));
  // Absolute timeout: a session older than 12 hours ends, however active.
  app.use((req, _res, next) => {
    const created = req.session?.createdAt;
    if (created && req.now.getTime() - created > ABSOLUTE_TIMEOUT_MS) return req.session.regenerate((err) => next(err));
    next();
  });

  // One authenticator per app, never the module's: its deserializer holds this app's database
  // (a second app in the process, as the bench makes, would otherwise read through the first's).
  const passport = new Passport();
  configurePassport(passport, deps.db);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use((req, _res, next) => {
    req.actor = req.user ?? null;
    next();
  });
  app.use(localeMiddleware);

  // Signed in: a token in the session; anonymous: a signed double-submit token (no session row).
  const csrf = csrfProtection({ secret: config.SESSION_SECRET, secure });
  // The upload middleware checks multipart bodies with it once multer has parsed them.
  app.locals.csrf = csrf;
  app.use(viewLocals(csrf.token, { devMailbox: !config.SMTP_URL }));
  app.use(csrf.protect);

  mount(app, '/', coreRoutes(ctx));
  mount(app, '/', authRoutes(ctx));
  mount(app, '/dashboard', dashboardRoutes(ctx));
  mount(app, '/admin', institutionsRoutes(ctx));
  mount(app, '/admin/users', usersRoutes(ctx));
  mount(app, '/admin/legal-parameters', parametersRoutes(ctx));
  // The public tools: the stipend simulator.
  mount(app, '/tools', simulatorRoutes(ctx));
  mount(app, '/centres', centresRoutes(ctx));
  // A centre's evaluation forms (its ADMIN staff): /centres/:id/evaluation-forms…
  mount(app, '/centres', evaluationFormRoutes(ctx));
  mount(app, '/dev', mailboxRoutes(ctx));
  mount(app, '/organisations', organisationsRoutes(ctx));
  // /register/company, /company…
  mount(app, '/', companiesRoutes(ctx));
  // /register/student, /students…, /profile…
  mount(app, '/', studentsRoutes(ctx));
  mount(app, '/offers', offersRoutes(ctx));
  // Before the agreement's page: /agreements/search is not an agreement's id.
  mount(app, '/agreements', agreementsFindRoutes(ctx));
  mount(app, '/agreements', agreementsExportRoutes(ctx));
  // The student's "Historique de mes stages", before /agreements/:id too.
  mount(app, '/agreements', labelHistoryRoutes(ctx));
  // /agreements/new/…, before /agreements/:id: the creation wizard's screens.
  mount(app, '/', agreementWizardRoutes(ctx));
  mount(app, '/agreements', agreementsPrintRoutes(ctx));
  mount(app, '/agreements', agreementsRoutes(ctx));
  // The evaluations of an internship: /agreements/:id/evaluations/…
  mount(app, '/agreements', evaluationRoutes(ctx));
  // Signing from an e-mailed link, without an account.
  mount(app, '/sign', signLinkRoutes(ctx));
  // Confirming the attestation de stage from an e-mailed link, without an account.
  mount(app, '/attest', attestationLinkRoutes(ctx));
  // The public verification of a label certificate's code, without an account.
  mount(app, '/label', labelVerifyRoutes(ctx));
  // The company tutor's evaluation from an e-mailed single-use link, without an account.
  mount(app, '/evaluate', evaluationLinkRoutes(ctx));
  // The programme manager's moderation of shared experience feedback.
  mount(app, '/followup', feedbackRoutes(ctx));
  // The follow-up dashboards (/followup, /followup/cohort), beside the moderation on the same prefix.
  mount(app, '/followup', followupListsRoutes(ctx));
  // The private calendar feed of the steps due (/account/calendar, /calendar/<secret>.ics).
  mount(app, '/', calendarRoutes(ctx));
  // The person's choice for the label's reminders (/account/reminders).
  mount(app, '/', reminderRoutes(ctx));
  // /requests…, /cvbook…, /matching…
  mount(app, '/', requestsRoutes(ctx));
  mount(app, '/applications', applicationsRoutes(ctx));
  mount(app, '/sheets', sheetsRoutes(ctx));
  // Running an institution (issue 15): single sign-on (/sso/…) and its settings (/admin/sso/…),
  // statistics, useful documents, the help desk, personal data and the records' audit history.
  mount(app, '/sso', ssoRoutes(ctx));
  mount(app, '/admin/sso', ssoAdminRoutes(ctx));
  mount(app, '/statistics', statisticsRoutes(ctx));
  mount(app, '/documents', usefulDocumentsRoutes(ctx));
  mount(app, '/tickets', helpdeskRoutes(ctx));
  // /privacy, /account/data…, /admin/retention…, /admin/users/:id/erase
  mount(app, '/', privacyRoutes(ctx));
  // /agreements/:id/history, /offers/:id/history, /organisations/:id/history, /admin/users/:id/history
  mount(app, '/', historyRoutes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** Releases what createApp opened (the session pool, the document workers). */
export async function closeApp(app: Express) {
  // Work answered before it ran (a reset request) finishes before the pools close.
  await (app.locals.ctx as Ctx).services.auth.settled();
  await (app.locals.pool as pg.Pool).end();
  await closeDocumentWorkers();
}
