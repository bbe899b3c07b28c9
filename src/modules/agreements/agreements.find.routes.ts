import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { centresWith } from '../../authz/centres.js';
import { searchCriteria } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { pageParam } from '../../http/pagination.js';
import { waitingSignatures } from '../signatures/signatures.waiting.js';
import { options } from '../../nomenclatures/index.js';
import { todayIn } from '../../time/calendar.js';
import { agreementNumber, PRINT_LANGUAGES } from './agreement.types.js';
import { agreementYears, centreDashboard, companyAgreements, DASHBOARD_KEYS, dashboardSchema, searchLink, studentAgreements } from './agreements.dashboard.js';
import { agreementSearchSchema, listQuery, SEARCH_KEYS, SEARCH_SORT, searchAgreements, SIMPLE_KEYS } from './agreements.search.js';
import { AGREEMENT_WORKFLOW } from './agreements.workflow.js';

/**
 * Finding agreements (issue 12, "Finding them"); mounted on /agreements before the agreement's page.
 *   GET /agreements/search ('agreements.search'): the simple and advanced search, within reach.
 *   GET /agreements/dashboard ('agreements.dashboard'): the centre's agreement dashboard.
 *   GET /agreements/signatures ('agreements.dashboard'): the signatures awaited, longest waiting first.
 *   GET /agreements/mine ('agreements.mine'): the student's agreements ("Conventions de stage").
 *   GET /agreements/interns ('agreements.interns'): a company user's interns ("Mes stagiaires").
 */
export function agreementsFindRoutes(ctx: Ctx) {
  const r = newRouter();
  const words = (req: Request) => ({
    number: agreementNumber,
    stateOptions: AGREEMENT_WORKFLOW.def.states.map((s) => ({ value: s, label: req.t(AGREEMENT_WORKFLOW.stateLabel(s)) })),
    languageOptions: PRINT_LANGUAGES.map((l) => ({ value: l, label: req.t(`agreements.languages.${l}`) })),
    typeOptions: options('internshipType', req.locale),
  });

  // The signatures awaited in the actor's centres, per signer, with the days waited (issue 13).
  r.get('/signatures', allow('agreements.dashboard'), async (req, res) => {
    const { pager, rows } = await waitingSignatures(ctx.db, req.actor!, req.now, pageParam(req.query.page));
    res.render('signatures/waiting', { title: req.t('signatures.waiting.title'), pager, rows, number: agreementNumber, baseUrl: '/agreements/signatures' });
  });

  r.get('/search', allow('agreements.search'), async (req, res) => {
    const c = searchCriteria(agreementSearchSchema, listQuery(req.query), { keys: SEARCH_KEYS, sort: SEARCH_SORT });
    // The form's lists and the results are read side by side.
    const [result, choices] = await Promise.all([c.searched ? searchAgreements(ctx.db, req.actor!, c.input!, c.page, c.sort.order!) : null, searchChoices(ctx, req)]);
    res.render('agreements/search', {
      title: req.t('agreementsSearch.search.title'),
      values: c.values,
      advanced: Object.keys(c.values).some((k) => !(SIMPLE_KEYS as readonly string[]).includes(k)),
      result,
      baseUrl: c.url('/agreements/search'),
      sorting: c.sortLinks('/agreements/search'),
      ...choices,
      ...words(req),
    });
  });

  r.get('/dashboard', allow('agreements.dashboard'), async (req, res) => {
    const c = searchCriteria(dashboardSchema, req.query, { keys: DASHBOARD_KEYS });
    const input = c.input ?? {};
    const d = await centreDashboard(ctx.db, req.actor!, input, req.now);
    res.render('agreements/dashboard', { title: req.t('agreementsSearch.dashboard.title'), ...d, values: c.values, input, link: (extra?: Record<string, string>) => searchLink(d, input, extra), ...words(req) });
  });

  r.get('/mine', allow('agreements.mine'), async (req, res) => {
    // The wizard's way in for a student whose centre lets students create their agreement.
    const [items, mayCreate] = await Promise.all([studentAgreements(ctx.db, req.actor!), ctx.services.agreementWizard.mayCreate(req.actor!)]);
    res.render('agreements/mine', { title: req.t('agreementsSearch.mine.title'), items, mayCreate, ...words(req) });
  });

  r.get('/interns', allow('agreements.interns'), async (req, res) => {
    res.render('agreements/interns', { title: req.t('agreementsSearch.interns.title'), items: await companyAgreements(ctx.db, req.actor!), ...words(req) });
  });

  return r;
}

/** The search form's lists: the academic years, the centres and study years within the actor's reach. */
async function searchChoices(ctx: Ctx, req: Request) {
  const actor = req.actor!;
  const centreWhere = actor.isPlatformAdmin ? {} : { id: { in: centresWith(actor, 'READ') } };
  const [years, centres, studyYears] = await Promise.all([
    agreementYears(ctx.db, todayIn(req.now)),
    ctx.db.managementCentre.findMany({ where: centreWhere, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    ctx.db.studyYear.findMany({ where: actor.isPlatformAdmin ? {} : { centreId: { in: centresWith(actor, 'READ') } }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  ]);
  return {
    yearOptions: years.map((y) => ({ value: y, label: y })),
    centres,
    studyYears,
    workingTimeOptions: options('workingTime', req.locale),
    structureTypeOptions: options('structureType', req.locale),
    headcountOptions: options('headcountBand', req.locale),
    countryOptions: options('country', req.locale),
  };
}
