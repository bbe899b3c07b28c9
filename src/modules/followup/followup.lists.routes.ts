import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import type { Actor } from '../../authz/actor.js';
import { allow } from '../../authz/guard.js';
import { searchCriteria } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { LABEL_STEPS } from './label.steps.js';
import { COHORT_KEYS, cohortSchema, LIST_KEYS, listSchema, STEP_STATES } from './followup.lists.js';

/** A student only sees their own internships ("Suivi de mon stage"); anyone else follows interns ("Suivi global des stagiaires"). */
const followsOthers = (actor: Actor) => actor.roles.some((r) => r !== 'student');

/** `base` with the query `values` and `extra` (a count's step and state), without the page. */
const withQuery = (base: string, values: Record<string, string>, extra: Record<string, string>) => `${base}?${new URLSearchParams({ ...values, ...extra }).toString()}`;

const words = (req: Request) => ({
  number: agreementNumber,
  stepOptions: LABEL_STEPS.map((s) => ({ value: s.code, label: req.t(`followup.steps.code.${s.code}`) })),
  stateOptions: STEP_STATES.map((s) => ({ value: s, label: req.t(`followup.steps.states.${s}`) })),
});

/**
 * The follow-up dashboards (issue 14), mounted on /followup beside the feedback moderation:
 *   GET /followup ('followup.lists'): the internships within the actor's reach with their label
 *     steps — "Suivi de mon stage" for a student, "Suivi global des stagiaires" for the others, with
 *     filters (academic year, programme, study year, organisation, step and state) and the counts per step.
 *   GET /followup/cohort ('followup.cohort'): the programme manager's cohort figures, as SVG charts and tables.
 */
export function followupListsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.followupLists;

  r.get('/', allow('followup.lists'), async (req, res) => {
    const c = searchCriteria(listSchema, req.query, { keys: LIST_KEYS });
    const global = followsOthers(req.actor!);
    const [result, choices] = await Promise.all([svc.list(req.actor!, c.input ?? {}, c.page, req.now), global ? svc.choices(req.actor!) : null]);
    res.render('followup/list', {
      title: req.t(global ? 'followupLists.title.global' : 'followupLists.title.mine'),
      global,
      ...result,
      choices,
      values: c.values,
      errors: {},
      filtered: Object.keys(c.values).length,
      baseUrl: c.url('/followup'),
      countLink: (step: string, state: string) => withQuery('/followup', c.values, { step, state }),
      ...words(req),
    });
  });

  r.get('/cohort', allow('followup.cohort'), async (req, res) => {
    const c = searchCriteria(cohortSchema, req.query, { keys: COHORT_KEYS });
    const d = await svc.cohort(req.actor!, c.input ?? {}, req.now);
    // The late counts lead to the list of those internships, in the same year and programme.
    const scope: Record<string, string> = { academicYear: d.academicYear, ...(d.programme ? { programme: String(d.programme) } : {}) };
    res.render('followup/cohort', { title: req.t('followupLists.cohort.title'), ...d, values: { ...c.values, academicYear: d.academicYear }, errors: {}, lateLink: (step: string) => withQuery('/followup', scope, { step, state: 'late' }) });
  });

  return r;
}
