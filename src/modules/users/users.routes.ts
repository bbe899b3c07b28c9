import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { flash } from '../../http/forms.js';
import { act, detailAction, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { USER_SEARCH_KEYS, userSearchSchema } from './users.schemas.js';

/** Where an action sends back to: the list with the search it was made from (our own list only). */
const BACK = /^\/admin\/users(\?[\w=&%+.@-]{0,200})?$/;
const backOf = (req: Request) => {
  const back = (req.body as Record<string, unknown> | undefined)?.back;
  return typeof back === 'string' && BACK.test(back) ? back : '/admin/users';
};

// The platform administrator's user list ('users.manage'): search by name or address, the roles of
// each account, deactivate / reactivate (confirmed, audited; never oneself), a new invitation for
// an account whose owner never chose a password.
export function usersRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.users;

  /** The list; after a refused action, with its message. */
  const listPage: DetailPage = async (req, res, problem) => {
    const c = searchCriteria(userSearchSchema, req.query, { keys: USER_SEARCH_KEYS });
    const { items, pager } = await svc.search(c.input ?? {}, c.page);
    res.status(problem?.status ?? 200).render('admin/users/index', {
      title: req.t('users.title'),
      items,
      pager,
      q: c.values.q ?? '',
      searched: c.searched,
      baseUrl: c.url('/admin/users'),
      back: c.url('/admin/users') + (pager.page > 1 ? `${c.query ? '&' : '?'}page=${pager.page}` : ''),
      formError: problem?.formError ?? null,
    });
  };

  r.get('/', allow('users.manage'), (req, res) => listPage(req, res));

  for (const [action, active] of [['deactivate', false], ['reactivate', true]] as const) {
    detailAction(r, `/:id/${action}`, 'users.manage', {
      page: listPage,
      run: async (req, res) => {
        const user = await svc.setActive(act(req), idParam(req.params.id), active);
        flash(req, 'success', `users.flash.${action}d`, { name: `${user.firstName} ${user.lastName}` });
        res.redirect(303, backOf(req));
      },
    });
  }

  detailAction(r, '/:id/invite', 'users.manage', {
    page: listPage,
    run: async (req, res) => {
      const user = await svc.resendInvitation(act(req), idParam(req.params.id));
      flash(req, 'success', 'users.flash.invited', { email: user.email });
      res.redirect(303, backOf(req));
    },
  });

  return r;
}
