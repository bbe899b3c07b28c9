import type { NextFunction, Request, Response, Router } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { ValidationError } from '../../errors.js';
import { flash, formHandler } from '../../http/forms.js';
import { parse } from '../../http/validate.js';
import { isLocale } from '../../i18n/index.js';
import { centreOptions, echo, organisationOptions, personOptions } from './companies.options.js';
import {
  adminSchema,
  claimSchema,
  contactSchema,
  isBlankContact,
  lookupSchema,
  MAX_REGISTRATION_CONTACTS,
  newOrganisationSchema,
  removeIndexSchema,
  TERMS_ARTICLES,
  TERMS_VERSION,
  termsSchema,
} from './companies.schemas.js';
import { RegistrationService } from './registration.service.js';
import { clearRegistration, missingStep, peekRegistration, registrationState, type RegistrationState } from './registration.state.js';

const STEP_COUNT = 4;
const LOOKUP = '/register/company';
const ORGANISATION = '/register/company/organisation';
const ADMIN = '/register/company/admin';
const CONTACTS = '/register/company/contacts';
const TERMS = '/register/company/terms';
const DONE = '/register/company/done';

/** Where a screen's "Continuer" leads: the first screen still to fill, or the summary. */
const nextScreen = (state: RegistrationState) => missingStep(state, 4)?.path ?? TERMS;

/** The progress shown on every screen: "Étape N sur 4" and the list of steps (done ones are links). */
function stepLocals(req: Request, step: 1 | 2 | 3 | 4) {
  const state = peekRegistration(req.session);
  const hrefs = [state?.lookup ? ORGANISATION : LOOKUP, ADMIN, CONTACTS, TERMS];
  const steps = ([1, 2, 3, 4] as const).map((n) => ({
    n,
    label: req.t(`companies.register.steps.${n}`),
    href: missingStep(state, n) ? null : hrefs[n - 1],
    current: n === step,
    done: n < STEP_COUNT && !missingStep(state, (n + 1) as 2 | 3 | 4),
  }));
  const heading = req.t(`companies.register.steps.${step}`);
  return {
    title: `${req.t('companies.register.stepOf', { step, total: STEP_COUNT })} — ${heading} — ${req.t('companies.register.title')}`,
    heading,
    step,
    stepCount: STEP_COUNT,
    steps,
  };
}

/** A screen reached before the previous ones are filled sends the visitor back to the first missing one. */
const requireStep = (step: 2 | 3 | 4) => (req: Request, res: Response, next: NextFunction) => {
  const missing = missingStep(peekRegistration(req.session), step);
  if (missing) return res.redirect(303, missing.path);
  next();
};
const requireLookup = (req: Request, res: Response, next: NextFunction) => {
  if (!peekRegistration(req.session)?.lookup) return res.redirect(303, LOOKUP);
  next();
};

/**
 * Company self-registration, 4 screens, all public: 1 organisation (search by SIRET, then claim or
 * create), 2 administrator, 3 secondary contacts, 4 terms of use and summary. The session keeps
 * what was typed; the database is written once, when screen 4 is confirmed.
 */
export function registrationRoutes(r: Router, ctx: Ctx) {
  const reg = ctx.services.registration;
  const state = (req: Request) => registrationState(req.session);

  // ───────────── screen 1a: search by SIRET ─────────────

  const lookupLocals = (req: Request) => ({ ...stepLocals(req, 1) });
  r.get(LOOKUP, allow('public'), (req, res) => {
    const s = peekRegistration(req.session);
    res.render('companies/register/lookup', { ...lookupLocals(req), values: { siret: s?.lookup?.siret ?? '' } });
  });
  r.post(
    LOOKUP,
    allow('public'),
    formHandler({
      schema: lookupSchema,
      view: 'companies/register/lookup',
      locals: lookupLocals,
      action: async (req, res, data) => {
        const found = await reg.lookup(data.siret);
        // Who administers it is not told: only that the company has an administrator.
        if (found.kind === 'administered') throw new ValidationError({ siret: 'companies.errors.alreadyAdministered' });
        const s = state(req);
        const claimId = found.kind === 'claim' ? found.organisationId : null;
        if (s.lookup?.siret !== data.siret || s.lookup?.claimId !== claimId) delete s.organisation;
        s.lookup = { siret: data.siret, claimId };
        res.redirect(303, ORGANISATION);
      },
    }),
  );
  r.post('/register/company/no-siret', allow('public'), async (req, res) => {
    const s = state(req);
    if (s.lookup?.siret !== null || s.lookup?.claimId !== null) delete s.organisation;
    s.lookup = { siret: null, claimId: null };
    res.redirect(303, ORGANISATION);
  });

  // ───────────── screen 1b: claim the organisation found, or describe a new one ─────────────

  const organisationLocals = async (req: Request) => {
    const s = peekRegistration(req.session)!;
    const claim = s.lookup?.claimId ? await reg.claimable(s.lookup.claimId) : null;
    return { ...stepLocals(req, 1), ...organisationOptions(req), centreOptions: centreOptions(await reg.centres()), lookup: s.lookup!, claim, duplicates: [] as unknown[] };
  };
  const claimGone = async (req: Request, res: Response) => {
    delete state(req).lookup;
    delete state(req).organisation;
    flash(req, 'error', 'companies.register.claim.gone');
    res.redirect(303, LOOKUP);
  };

  r.get(ORGANISATION, allow('public'), requireLookup, async (req, res) => {
    const s = state(req);
    const locals = await organisationLocals(req);
    if (s.lookup!.claimId) {
      if (!locals.claim) return claimGone(req, res);
      const values = s.organisation?.mode === 'claim' ? { centreId: s.organisation.centreId } : {};
      return res.render('companies/register/claim', { ...locals, values });
    }
    const values = s.organisation?.mode === 'create' ? { ...s.organisation.input, centreId: s.organisation.centreId } : { siret: s.lookup!.siret ?? '', country: s.lookup!.siret ? 'FR' : '' };
    res.render('companies/register/organisation', { ...locals, values });
  });

  const claimHandler = formHandler({
    schema: claimSchema,
    view: 'companies/register/claim',
    locals: organisationLocals,
    action: async (req, res, data) => {
      const s = state(req);
      await reg.assertCentre(data.centreId);
      s.organisation = { mode: 'claim', organisationId: s.lookup!.claimId!, centreId: data.centreId };
      res.redirect(303, nextScreen(s));
    },
  });
  const createHandler = formHandler({
    schema: newOrganisationSchema,
    view: 'companies/register/organisation',
    locals: organisationLocals,
    action: async (req, res, data) => {
      const { centreId, confirmDuplicates, ...input } = data;
      await reg.assertCentre(centreId);
      const duplicates = await reg.checkNewOrganisation(input, confirmDuplicates);
      if (duplicates.length) {
        // The warning, and a box to tick to go on: "this is another organisation".
        return void res.status(422).render('companies/register/organisation', {
          ...(await organisationLocals(req)),
          duplicates,
          values: echo(req.body),
          errors: { confirmDuplicates: 'companies.errors.confirmDuplicates' },
        });
      }
      const s = state(req);
      s.organisation = { mode: 'create', input, centreId };
      res.redirect(303, nextScreen(s));
    },
  });
  r.post(ORGANISATION, allow('public'), requireLookup, async (req, res) => {
    const s = state(req);
    if (s.lookup!.claimId) {
      if (!(await reg.claimable(s.lookup!.claimId))) return claimGone(req, res);
      return claimHandler(req, res);
    }
    return createHandler(req, res);
  });

  // ───────────── screen 2: administrator ─────────────

  const adminLocals = (req: Request) => ({ ...stepLocals(req, 2), ...personOptions(req) });
  r.get(ADMIN, allow('public'), requireStep(2), (req, res) => {
    res.render('companies/register/admin', { ...adminLocals(req), values: state(req).admin ?? {} });
  });
  r.post(
    ADMIN,
    allow('public'),
    requireStep(2),
    formHandler({
      schema: adminSchema,
      view: 'companies/register/admin',
      locals: adminLocals,
      action: async (req, res, data) => {
        const s = state(req);
        await reg.assertEmailFree(data.email, s.contacts.map((c) => c.email));
        s.admin = data;
        res.redirect(303, nextScreen(s));
      },
    }),
  );

  // ───────────── screen 3: secondary contacts ─────────────

  const contactsLocals = (req: Request) => ({ ...stepLocals(req, 3), ...personOptions(req), contacts: state(req).contacts, max: MAX_REGISTRATION_CONTACTS });
  r.get(CONTACTS, allow('public'), requireStep(3), (req, res) => {
    res.render('companies/register/contacts', { ...contactsLocals(req), values: { canPublishOffers: 'no' } });
  });
  const addContact = formHandler({
    schema: contactSchema,
    view: 'companies/register/contacts',
    locals: contactsLocals,
    action: async (req, res, data) => {
      const s = state(req);
      if (s.contacts.length >= MAX_REGISTRATION_CONTACTS) throw new ValidationError({ firstName: `companies.errors.tooManyContacts|${MAX_REGISTRATION_CONTACTS}` });
      await reg.assertEmailFree(data.email, [s.admin!.email, ...s.contacts.map((c) => c.email)]);
      s.contacts.push(data);
      if (req.body?.action === 'next') {
        s.contactsDone = true;
        return res.redirect(303, TERMS);
      }
      flash(req, 'success', 'companies.register.contacts.added', { name: `${data.firstName} ${data.lastName}` });
      res.redirect(303, CONTACTS);
    },
  });
  r.post(CONTACTS, allow('public'), requireStep(3), async (req, res) => {
    // "Continuer" with the new-contact fields left empty: no contact to add.
    if (req.body?.action === 'next' && isBlankContact(req.body)) {
      state(req).contactsDone = true;
      return res.redirect(303, TERMS);
    }
    return addContact(req, res);
  });
  r.post('/register/company/contacts/remove', allow('public'), requireStep(3), async (req, res) => {
    const s = state(req);
    const { index } = parse(removeIndexSchema, req.body);
    const [removed] = s.contacts.splice(index, 1);
    if (removed) flash(req, 'success', 'companies.register.contacts.removed', { name: `${removed.firstName} ${removed.lastName}` });
    res.redirect(303, CONTACTS);
  });

  // ───────────── screen 4: terms of use, summary, confirmation ─────────────

  const termsLocals = async (req: Request) => {
    const s = state(req);
    return { ...stepLocals(req, 4), summary: await reg.organisationSummary(s), admin: s.admin!, contacts: s.contacts, termsVersion: TERMS_VERSION, articles: TERMS_ARTICLES, ...organisationOptions(req), ...personOptions(req) };
  };
  r.get(TERMS, allow('public'), requireStep(4), async (req, res) => {
    const locals = await termsLocals(req);
    if (!locals.summary) return claimGone(req, res);
    res.render('companies/register/terms', { ...locals, values: {} });
  });
  r.post(TERMS, allow('public'), requireStep(4), async (req, res) => {
    try {
      parse(termsSchema, req.body);
      const done = await reg.register(state(req), { locale: isLocale(req.locale) ? req.locale : 'fr', requestId: req.id });
      clearRegistration(req.session);
      req.session.companyRegistrationDone = done;
      res.redirect(303, DONE);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const { _form, ...fields } = err.fields;
      const locals = await termsLocals(req);
      if (!locals.summary) return claimGone(req, res);
      res.status(422).render('companies/register/terms', { ...locals, values: echo(req.body), errors: fields, formError: _form });
    }
  });

  r.get(DONE, allow('public'), (req, res) => {
    const done = req.session.companyRegistrationDone;
    if (!done) return res.redirect(303, LOOKUP);
    res.render('companies/register/done', { title: req.t('companies.register.done.title'), done });
  });

  r.post('/register/company/cancel', allow('public'), async (req, res) => {
    clearRegistration(req.session);
    flash(req, 'info', 'companies.register.cancelled');
    res.redirect(303, LOOKUP);
  });
}
