import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash, formHandler } from '../../http/forms.js';
import { newRouter } from '../../http/router.js';
import { f } from '../../http/validate.js';

export const REMINDER_MODES = ['DIGEST', 'PER_STEP'] as const;
const schema = z.object({ reminderMode: f.enumOf(REMINDER_MODES) });

/**
 * The person's choice for the label's reminders (issue 14), mounted on /:
 *   POST /account/reminders ('account.self'): a digest a day or a mail per step; back to the account page (303),
 *   or the account page again with the message beside the choice (422).
 */
export function reminderRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.reminders;
  r.post(
    '/account/reminders',
    allow('account.self'),
    formHandler({
      schema,
      view: 'auth/account',
      locals: (req) => ({ title: req.t('auth.account.title') }),
      action: async (req, res, data) => {
        await svc.setMode(act(req), data.reminderMode);
        flash(req, 'success', 'reminders.account.saved');
        res.redirect(303, '/account');
      },
    }),
  );
  return r;
}
