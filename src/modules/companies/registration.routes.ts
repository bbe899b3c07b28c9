import type { NextFunction, Request, Response, Router } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { ValidationError } from '../../errors.js';
import { anonymousAct } from '../../http/act.js';
import { flash, formHandler } from '../../http/forms.js';
import { detailAction } from '../../http/pages.js';
import { parse, textLimits } from '../../http/validate.js';
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
  type AdminInput,
} from './companies.schemas.js';
import { companyRegistration, REGISTER, type RegistrationState } from './registration.state.js';

/**
 * Company self-registration, 4 screens, all public: 1 organisation (search by SIRET, then claim or
 * create), 2 administrator, 3 secondary contacts, 4 terms of use and summary. The screens fill a
 * wizard draft (src/http/wizard.ts); the domain tables are written once, when screen 4 is confirmed.
 */
export function registrationRoutes(r: Router, ctx: Ctx) {
  const reg = ctx.services.registration;
  const wizard = companyRegistration(ctx.db);
  const draft = (req: Request) => wizard.draft(req);
  const progress = async (req: Request, key: string) => wizard.progress(req, await draft(req), key);
  /** Stores the draft, then goes on to the next screen to fill (or `to`). */
  const saveAndGo = async (req: Request, res: Response, d: RegistrationState, to = wizard.next(d)) => {
    await wizard.save(req, d);
    res.redirect(303, to);
  };

  // ───────────── screen 1a: search by SIRET ─────────────

  const lookupLocals = (req: Request) => progress(req, 'organisation');
  r.get(REGISTER.lookup, allow('public'), async (req, res) => {
    res.render('companies/register/lookup', { ...(await lookupLocals(req)), values: { siret: (await draft(req)).lookup?.siret ?? '' } });
  });
  /** A new search result: the organisation screen's answers no longer apply. */
  const setLookup = async (req: Request, res: Response, lookup: NonNullable<RegistrationState['lookup']>) => {
    const d = await draft(req);
    if (d.lookup?.siret !== lookup.siret || d.lookup?.claimId !== lookup.claimId) delete d.organisation;
    d.lookup = lookup;
    await saveAndGo(req, res, d, REGISTER.organisation);
  };
  r.post(
    REGISTER.lookup,
    allow('public'),
    formHandler({
      schema: lookupSchema,
      view: 'companies/register/lookup',
      locals: lookupLocals,
      action: async (req, res, data) => {
        const found = await reg.lookup(data.siret);
        // Who administers it is not told: only that the company has an administrator.
        if (found.kind === 'administered') throw new ValidationError({ siret: 'companies.errors.alreadyAdministered' });
        if (found.kind === 'claimPending') throw new ValidationError({ siret: 'companies.errors.claimPending' });
        await setLookup(req, res, { siret: data.siret, claimId: found.kind === 'claim' ? found.organisationId : null });
      },
    }),
  );
  r.post('/register/company/no-siret', allow('public'), async (req, res) => {
    await setLookup(req, res, { siret: null, claimId: null });
  });

  // ───────────── screen 1b: claim the organisation found, or describe a new one ─────────────

  const organisationLocals = async (req: Request) => {
    const { lookup } = await draft(req);
    const claim = lookup?.claimId ? await reg.claimable(lookup.claimId) : null;
    return { ...(await progress(req, 'organisation')), ...organisationOptions(req), centreOptions: centreOptions(await reg.centres()), lookup: lookup!, claim, duplicates: [] as unknown[], limits: textLimits(newOrganisationSchema) };
  };
  const claimGone = async (req: Request, res: Response) => {
    const d = await draft(req);
    delete d.lookup;
    delete d.organisation;
    flash(req, 'error', 'companies.register.claim.gone');
    await saveAndGo(req, res, d, REGISTER.lookup);
  };
  const requireLookup = async (req: Request, res: Response, next: NextFunction) => {
    if (!(await draft(req)).lookup) return res.redirect(303, REGISTER.lookup);
    next();
  };

  r.get(REGISTER.organisation, allow('public'), requireLookup, async (req, res) => {
    const { lookup, organisation: o } = await draft(req);
    const locals = await organisationLocals(req);
    if (lookup!.claimId) {
      if (!locals.claim) return claimGone(req, res);
      return res.render('companies/register/claim', { ...locals, values: o?.mode === 'claim' ? { centreId: o.centreId } : {} });
    }
    const values = o?.mode === 'create' ? { ...o.input, centreId: o.centreId } : { siret: lookup!.siret ?? '', country: lookup!.siret ? 'FR' : '' };
    res.render('companies/register/organisation', { ...locals, values });
  });

  const claimHandler = formHandler({
    schema: claimSchema,
    view: 'companies/register/claim',
    locals: organisationLocals,
    action: async (req, res, data) => {
      const d = await draft(req);
      await reg.assertCentre(data.centreId);
      d.organisation = { mode: 'claim', organisationId: d.lookup!.claimId!, centreId: data.centreId };
      await saveAndGo(req, res, d);
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
        const errors = { confirmDuplicates: 'companies.errors.confirmDuplicates' };
        return void res.status(422).render('companies/register/organisation', { ...(await organisationLocals(req)), duplicates, values: echo(req.body), errors });
      }
      const d = await draft(req);
      d.organisation = { mode: 'create', input, centreId };
      await saveAndGo(req, res, d);
    },
  });
  r.post(REGISTER.organisation, allow('public'), requireLookup, async (req, res) => {
    const claimId = (await draft(req)).lookup!.claimId;
    if (!claimId) return createHandler(req, res);
    if (!(await reg.claimable(claimId))) return claimGone(req, res);
    return claimHandler(req, res);
  });

  // ───────────── screen 2: administrator ─────────────

  wizard.formStep<typeof adminSchema>(r, 'admin', {
    locals: async (req) => ({ ...(await progress(req, 'admin')), ...personOptions(req) }),
    values: (d) => d.admin ?? {},
    store: async (d, data: AdminInput) => {
      await reg.assertEmailFree(data.email, d.contacts.map((c) => c.email));
      d.admin = data;
    },
  });

  // ───────────── screen 3: secondary contacts ─────────────

  const contactsLocals = async (req: Request) => ({ ...(await progress(req, 'contacts')), ...personOptions(req), contacts: (await draft(req)).contacts, max: MAX_REGISTRATION_CONTACTS });
  const contactsDone = async (req: Request, res: Response, d: RegistrationState) => {
    d.contactsDone = true;
    await saveAndGo(req, res, d, REGISTER.terms);
  };
  r.get(REGISTER.contacts, allow('public'), wizard.guard('contacts'), async (req, res) => {
    res.render('companies/register/contacts', { ...(await contactsLocals(req)), values: { canPublishOffers: 'no' } });
  });
  const addContact = formHandler({
    schema: contactSchema,
    view: 'companies/register/contacts',
    locals: contactsLocals,
    action: async (req, res, data) => {
      const d = await draft(req);
      if (d.contacts.length >= MAX_REGISTRATION_CONTACTS) throw new ValidationError({ firstName: `companies.errors.tooManyContacts|${MAX_REGISTRATION_CONTACTS}` });
      await reg.assertEmailFree(data.email, [d.admin!.email, ...d.contacts.map((c) => c.email)]);
      d.contacts.push(data);
      if (req.body?.action === 'next') return contactsDone(req, res, d);
      flash(req, 'success', 'companies.register.contacts.added', { name: `${data.firstName} ${data.lastName}` });
      await saveAndGo(req, res, d, REGISTER.contacts);
    },
  });
  r.post(REGISTER.contacts, allow('public'), wizard.guard('contacts'), async (req, res) => {
    // "Continuer" with the new-contact fields left empty: no contact to add.
    if (req.body?.action === 'next' && isBlankContact(req.body)) return contactsDone(req, res, await draft(req));
    return addContact(req, res);
  });
  r.post('/register/company/contacts/remove', allow('public'), wizard.guard('contacts'), async (req, res) => {
    const d = await draft(req);
    const { index } = parse(removeIndexSchema, req.body);
    const [removed] = d.contacts.splice(index, 1);
    if (removed) flash(req, 'success', 'companies.register.contacts.removed', { name: `${removed.firstName} ${removed.lastName}` });
    await saveAndGo(req, res, d, REGISTER.contacts);
  });

  // ───────────── screen 4: terms of use, summary, confirmation ─────────────

  /** The summary page, or back to screen 1 when the organisation to claim was taken meanwhile. */
  const termsPage = async (req: Request, res: Response, extra: { status?: number; values?: unknown; errors?: Record<string, string>; formError?: string } = {}) => {
    const d = await draft(req);
    const summary = await reg.organisationSummary(d);
    if (!summary) return claimGone(req, res);
    const { status = 200, values = {}, ...rest } = extra;
    const locals = { ...(await progress(req, 'terms')), summary, admin: d.admin!, contacts: d.contacts, termsVersion: TERMS_VERSION, articles: TERMS_ARTICLES };
    res.status(status).render('companies/register/terms', { ...locals, ...organisationOptions(req), ...personOptions(req), values, ...rest });
  };
  r.get(REGISTER.terms, allow('public'), wizard.guard('terms'), (req, res) => termsPage(req, res));
  detailAction(r, REGISTER.terms, 'public', {
    before: [wizard.guard('terms')],
    page: (req, res, problem) => {
      const { _form, ...errors } = problem?.errors ?? {};
      return termsPage(req, res, { status: 422, values: echo(problem?.values ?? {}), errors, formError: problem?.formError ?? _form });
    },
    run: async (req, res) => {
      parse(termsSchema, req.body);
      const locale = isLocale(req.locale) ? req.locale : 'fr';
      req.session.companyRegistrationDone = await wizard.finish(req, (d, discard) => reg.register(d, anonymousAct(req), { locale, discard }));
      res.redirect(303, REGISTER.done);
    },
  });

  r.get(REGISTER.done, allow('public'), (req, res) => {
    const done = req.session.companyRegistrationDone;
    if (!done) return res.redirect(303, REGISTER.lookup);
    res.render('companies/register/done', { title: req.t('companies.register.done.title'), done });
  });

  r.post('/register/company/cancel', allow('public'), async (req, res) => {
    await wizard.discard(req);
    flash(req, 'info', 'companies.register.cancelled');
    res.redirect(303, REGISTER.lookup);
  });
}
