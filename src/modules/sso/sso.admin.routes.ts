import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { PROVIDER_DEFAULTS, providerSchema } from './sso.schemas.js';

/** Routes of the administrator's settings of each institution's single sign-on (issue 15). */
export function ssoAdminRoutes(ctx: Ctx) {
  const r = newRouter();
  const sso = ctx.services.sso;

  r.get('/', allow('sso.manage'), async (req, res) => {
    const { items, pager } = await sso.admin.list(pageParam(req.query.page));
    res.render('sso/admin-index', { title: req.t('sso.admin.title'), items, pager, baseUrl: '/admin/sso' });
  });

  formPage(r, '/:institutionId', 'sso.manage', {
    view: 'sso/admin-form',
    schema: providerSchema,
    locals: async (req) => {
      const { institution, provider } = await sso.admin.get(idParam(req.params.institutionId));
      // What the administrator declares at the provider: our redirect URI (OpenID) or service (CAS).
      const urls = { callbackUrl: sso.callbackUrl(institution.id), casServiceUrl: `${ctx.config.baseUrl}/sso/${institution.id}/cas` };
      return { title: req.t('sso.admin.edit', { name: institution.name }), institution, provider, ...urls };
    },
    // The secret is never shown again: only whether one is kept (the page says it).
    initial: (l) => (l.provider ? { ...l.provider, clientSecret: '' } : { ...PROVIDER_DEFAULTS, label: l.institution.name }),
    action: async (req, res, data) => {
      await sso.admin.save(act(req), idParam(req.params.institutionId), data);
      flash(req, 'success', 'sso.admin.saved');
      res.redirect(303, '/admin/sso');
    },
  });

  return r;
}
