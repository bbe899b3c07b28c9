import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { formatters } from '../../i18n/format.js';
import { DEFAULT_COUNTRY } from '../../legal/rules.js';
import { PARAMETER_KEYS, type ParameterKey } from '../../legal/types.js';
import { label, options } from '../../nomenclatures/index.js';
import { PARAMETERS_PATH } from './paths.js';
import { isRulesCountry, PARAMETER_KEY_LIST, parameterCorrectionSchema, parameterCreateSchema } from './parameters.schemas.js';


/** A figure as the list and the forms show it: an amount with its currency, hours, a count, yes or no. */
export function parameterValueText(req: Request, key: string, value: number, currency: string | null): string {
  const fmt = formatters(req.locale);
  const kind = PARAMETER_KEYS[key as ParameterKey];
  if (kind === 'amount' && currency) return fmt.money(value, currency);
  if (kind === 'flag') return req.t(value === 1 ? 'common.yes' : 'common.no');
  if (kind === 'hours') return req.t('legal.parameters.hoursValue', { hours: fmt.number(value) });
  return fmt.number(value);
}

/** "France (FR)", or the defaults' name for '*'. */
export const countryName = (req: Request, country: string) => (country === DEFAULT_COUNTRY ? req.t('legal.parameters.defaults') : `${label('country', country, req.locale)} (${country})`);

/** The row being corrected (read by the form's locals or beforePost, before its schema is asked for). */
const correcting = (req: Request) => req.res!.locals.correcting as { key: ParameterKey; country: string };

const keyOptions = (req: Request) => PARAMETER_KEY_LIST.map((k) => ({ value: k, label: `${req.t(`legal.keys.${k}`)} (${k})` }));
const countryOptions = (req: Request) => [{ value: DEFAULT_COUNTRY, label: req.t('legal.parameters.defaults') }, ...options('country', req.locale)];

// The platform administrator's dated parameter table ('legal.manage'): the figures by country with
// their history, a new figure from a date, the correction of a wrong one (the old row is kept).
export function parametersRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.legalParameters;

  r.get('/', allow('legal.manage'), async (req, res) => {
    const countries = await svc.overview(req.now);
    res.render('admin/legal-parameters/index', {
      title: req.t('legal.parameters.title'),
      countries: countries.map((c) => ({ ...c, name: countryName(req, c.country), rows: c.rows.map((row) => ({ ...row, text: parameterValueText(req, row.key, row.value, row.currency) })) })),
    });
  });

  formPage(r, '/new', 'legal.manage', {
    view: 'admin/legal-parameters/form',
    schema: parameterCreateSchema,
    locals: (req) => ({ title: req.t('legal.parameters.new'), action: `${PARAMETERS_PATH}/new`, keyOptions: keyOptions(req), countryOptions: countryOptions(req), row: null }),
    // Opened from a country's or a figure's "new value" link: those fields are chosen already.
    initial: (_l, req) => {
      const country = typeof req.query.country === 'string' && isRulesCountry(req.query.country) ? req.query.country : '';
      const key = typeof req.query.key === 'string' && Object.hasOwn(PARAMETER_KEYS, req.query.key) ? req.query.key : '';
      return { country, key };
    },
    action: async (req, res, data) => {
      await svc.add(act(req), data);
      flash(req, 'success', 'legal.parameters.added');
      res.redirect(303, `${PARAMETERS_PATH}#country-${encodeURIComponent(data.country)}`);
    },
  });

  formPage(r, '/:id/correct', 'legal.manage', {
    view: 'admin/legal-parameters/form',
    // What the value may be depends on the row's key (its kind): the row is read by `locals` for
    // the page, by `beforePost` before the body is parsed.
    schema: (req) => parameterCorrectionSchema(correcting(req).key),
    locals: async (req) => {
      const row = await svc.get(idParam(req.params.id));
      req.res!.locals.correcting = row;
      return { title: req.t('legal.parameters.correctTitle'), action: `${PARAMETERS_PATH}/${row.id}/correct`, row: { ...row, countryName: countryName(req, row.country), text: parameterValueText(req, row.key, row.value, row.currency) } };
    },
    initial: (l) => ({ value: String(l.row.value), currency: l.row.currency ?? '', validFrom: l.row.validFrom.toString() }),
    beforePost: [
      async (req, res, next) => {
        // The schema depends on the row's key (its kind): read it before the form is parsed.
        res.locals.correcting = await svc.get(idParam(req.params.id));
        next();
      },
    ],
    action: async (req, res, data) => {
      const row = correcting(req);
      await svc.correct(act(req), idParam(req.params.id), data);
      flash(req, 'success', 'legal.parameters.corrected');
      res.redirect(303, `${PARAMETERS_PATH}#country-${encodeURIComponent(row.country)}`);
    },
  });

  return r;
}
