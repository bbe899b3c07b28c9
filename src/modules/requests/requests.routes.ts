import { act } from '../../http/act.js';
import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { sendStoredFile } from '../../files/upload.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam, isoDate, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { CvBookService, filtersQuery, parseFilters } from './cvbook.service.js';
import { MatchingService } from './matching.js';
import { LEVELS, MAX_OPEN_REQUESTS, requestSchema } from './requests.schemas.js';
import { RequestsService } from './requests.service.js';

// Internship requests ('requests.own': the student's own), the CV book and the company-side
// matching ('cvbook.search': company administrators and contacts), the student-side matching
// ('requests.own').
export function requestsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.requests;
  const cvbook = ctx.services.cvbook;
  const matching = ctx.services.matching;
  const meta = (req: Request) => ({ requestId: req.id });
  const levelOptions = (req: Request) => LEVELS.map((l) => ({ value: l, label: req.t(`requests.level.${l}`) }));

  // ───────────── the student's requests ─────────────

  r.get('/requests', allow('requests.own'), async (req, res) => {
    const data = await svc.listOwn(req.actor!);
    res.render('requests/index', { title: req.t('requests.title'), ...data });
  });

  formPage(r, '/requests/new', 'requests.own', {
    view: 'requests/form',
    schema: requestSchema,
    locals: async (req) => ({
      title: req.t('requests.new'),
      action: '/requests/new',
      submit: req.t('common.create'),
      levelOptions: levelOptions(req),
      full: (await svc.openCount(req.actor!)) >= MAX_OPEN_REQUESTS,
      max: MAX_OPEN_REQUESTS,
    }),
    action: async (req, res, data) => {
      const created = await svc.create(req.actor!, data, meta(req));
      flash(req, 'success', 'requests.created', { title: created.title });
      res.redirect(303, '/requests');
    },
  });

  formPage(r, '/requests/:id/edit', 'requests.own', {
    view: 'requests/form',
    schema: requestSchema,
    locals: async (req) => {
      const item = await svc.getOwn(req.actor!, idParam(req.params.id));
      return { title: req.t('requests.edit', { title: item.title }), item, action: `/requests/${item.id}/edit`, submit: req.t('common.save'), levelOptions: levelOptions(req), full: false, max: MAX_OPEN_REQUESTS };
    },
    initial: ({ item }) => ({ ...item, level: item.level ?? '', durationMonths: item.durationMonths ?? '', availableFrom: isoDate(item.availableFrom) }),
    action: async (req, res, data) => {
      await svc.update(req.actor!, idParam(req.params.id), data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, '/requests');
    },
  });

  r.post('/requests/:id/delete', allow('requests.own'), async (req, res) => {
    const removed = await svc.remove(req.actor!, idParam(req.params.id), meta(req));
    flash(req, 'success', 'requests.deleted', { title: removed.title });
    res.redirect(303, '/requests');
  });

  r.post('/requests/:id/close', allow('requests.own'), async (req, res) => {
    const item = await svc.setStatus(req.actor!, idParam(req.params.id), 'CLOSED', meta(req));
    flash(req, 'success', 'requests.closed', { title: item.title });
    res.redirect(303, '/requests');
  });

  r.post('/requests/:id/reopen', allow('requests.own'), async (req, res) => {
    const id = idParam(req.params.id);
    try {
      const item = await svc.setStatus(req.actor!, id, 'OPEN', meta(req));
      flash(req, 'success', 'requests.reopened', { title: item.title });
      res.redirect(303, '/requests');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const data = await svc.listOwn(req.actor!);
      res.status(422).render('requests/index', { title: req.t('requests.title'), ...data, formError: `requests.errors.limit|${MAX_OPEN_REQUESTS}` });
    }
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
