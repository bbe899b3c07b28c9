import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { sendStoredFile } from '../../files/upload.js';
import { flash, formPage } from '../../http/forms.js';
import { act, detailAction, type DetailPage } from '../../http/pages.js';
import { idParam, isoDate, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { filtersQuery, parseFilters } from './cvbook.service.js';
import { MAX_OPEN_REQUESTS, newRequestSchema, requestSchema } from './requests.schemas.js';
import { todayIn } from '../../time/calendar.js';

// Internship requests ('requests.own': the student's own), the CV book and the company-side
// matching ('cvbook.search': company administrators and contacts), the student-side matching
// ('requests.own').
export function requestsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.requests;
  const cvbook = ctx.services.cvbook;
  const matching = ctx.services.matching;

  // ───────────── the student's requests ─────────────

  // The list, where the close / reopen / delete buttons are: a refused reopening shows it again.
  const listPage: DetailPage = async (req, res, problem) => {
    const data = await svc.listOwn(req.actor!);
    res.status(problem?.status ?? 200).render('requests/index', { title: req.t('requests.title'), ...data, formError: problem?.formError ?? null });
  };

  r.get('/requests', allow('requests.own'), (req, res) => listPage(req, res));

  formPage(r, '/requests/new', 'requests.own', {
    view: 'requests/form',
    schema: (req: Request) => newRequestSchema(todayIn(req.now)),
    locals: async (req) => ({
      title: req.t('requests.new'),
      action: '/requests/new',
      submit: req.t('common.create'),
      full: (await svc.openCount(req.actor!)) >= MAX_OPEN_REQUESTS,
      max: MAX_OPEN_REQUESTS,
    }),
    action: async (req, res, data) => {
      const created = await svc.create(act(req), data);
      flash(req, 'success', 'requests.created', { title: created.title });
      res.redirect(303, '/requests');
    },
  });

  formPage(r, '/requests/:id/edit', 'requests.own', {
    view: 'requests/form',
    schema: requestSchema,
    locals: async (req) => {
      const item = await svc.getOwn(req.actor!, idParam(req.params.id));
      return { title: req.t('requests.edit', { title: item.title }), item, action: `/requests/${item.id}/edit`, submit: req.t('common.save'), full: false, max: MAX_OPEN_REQUESTS };
    },
    initial: ({ item }) => ({ ...item, level: item.level ?? '', durationMonths: item.durationMonths ?? '', availableFrom: isoDate(item.availableFrom) }),
    action: async (req, res, data) => {
      await svc.update(act(req), idParam(req.params.id), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, '/requests');
    },
  });

  r.post('/requests/:id/delete', allow('requests.own'), async (req, res) => {
    const removed = await svc.remove(act(req), idParam(req.params.id));
    flash(req, 'success', 'requests.deleted', { title: removed.title });
    res.redirect(303, '/requests');
  });

  r.post('/requests/:id/close', allow('requests.own'), async (req, res) => {
    const item = await svc.setStatus(act(req), idParam(req.params.id), 'CLOSED');
    flash(req, 'success', 'requests.closed', { title: item.title });
    res.redirect(303, '/requests');
  });

  detailAction(r, '/requests/:id/reopen', 'requests.own', {
    page: listPage,
    run: async (req, res) => {
      const item = await svc.setStatus(act(req), idParam(req.params.id), 'OPEN');
      flash(req, 'success', 'requests.reopened', { title: item.title });
      res.redirect(303, '/requests');
    },
  });

  // ───────────── matching, student side ─────────────

  r.get('/matching/requests', allow('requests.own'), async (req, res) => {
    const [items, open] = await Promise.all([matching.offersForStudent(req.actor!), svc.openCount(req.actor!)]);
    res.render('requests/matching', { title: req.t('requests.matching.studentTitle'), items, open });
  });

  // ───────────── the CV book ─────────────

  r.get('/cvbook', allow('cvbook.search'), async (req, res) => {
    const filters = parseFilters(req.query as Record<string, unknown>);
    const result = await cvbook.search(act(req), filters, pageParam(req.query.page));
    const qs = filtersQuery(filters);
    res.render('cvbook/index', { title: req.t('requests.cvbook.title'), filters, ...result, baseUrl: `/cvbook${qs ? `?${qs}` : ''}`, hasFilters: !!qs });
  });

  r.get('/cvbook/:requestId', allow('cvbook.search'), async (req, res) => {
    const data = await cvbook.profile(req.actor!, idParam(req.params.requestId));
    res.render('cvbook/show', { title: data.request.title, ...data });
  });

  r.get('/cvbook/:requestId/cv', allow('cvbook.search'), async (req, res) => {
    sendStoredFile(res, await cvbook.cv(req.actor!, idParam(req.params.requestId)));
  });

  // ───────────── matching, company side ─────────────

  r.get('/matching/offers', allow('cvbook.search'), async (req, res) => {
    const offers = await matching.companyOffers(req.actor!);
    res.render('cvbook/offers', { title: req.t('requests.matching.companyTitle'), offers });
  });

  r.get('/matching/offers/:offerId', allow('cvbook.search'), async (req, res) => {
    const data = await matching.profilesForOffer(req.actor!, idParam(req.params.offerId));
    res.render('cvbook/matching', { title: req.t('requests.matching.offerTitle', { title: data.offer.title }), ...data });
  });

  return r;
}
