import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { f, parse } from '../../http/validate.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { notFound } from '../../errors.js';
import { forRendering, stepsOf } from './label.steps.js';
import { labelAwardRoutes } from '../label/award.routes.js';

const answerSchema = z.object({ party: f.enumOf(['student', 'company', 'manager'] as const), answer: f.enumOf(['YES', 'NO'] as const) });
const defaultSchema = z.object({ labelDefault: f.checkbox() });
const entrySchema = z.object({ day: f.day(), done: f.text(4000), hard: f.optionalText(4000), difficulty: f.checkbox() });
const commentSchema = z.object({ text: f.text(2000) });
const midtermSchema = z.object({ achievements: f.text(4000), difficulties: f.optionalText(4000), changes: f.optionalText(4000), nextSteps: f.optionalText(4000) });
const ackSchema = z.object({ comment: f.optionalText(2000) });
const defenceSchema = z.object({ defenceOn: f.day(), grade: f.grade(), comment: f.optionalText(2000) });
const feedbackSchema = z.object({
  workConditions: f.text(4000),
  environment: f.text(4000),
  supervision: f.text(4000),
  advice: f.text(4000),
  recommend: f.enumOf(['yes', 'no'] as const).transform((v) => v === 'yes'),
  wishKnown: f.optionalText(4000),
  shareable: f.checkbox(),
});

/**
 * The follow-up of an internship (issue 14), on the agreements router:
 *   GET /agreements/:id/follow-up ('agreements.view'): the label (who said what, the actor's answer),
 *     the journal (one page of entries with their comments, the student's form, the tutors' comments).
 *   POST /agreements/:id/label ('followup.act'): the actor's answer for a party they speak for.
 *   POST /agreements/:id/label/programme-default ('followup.act'): the programme manager's default.
 *   POST /agreements/:id/journal ('followup.act'): the student's entry.
 *   POST /agreements/:id/journal/:entryId/comments ('followup.act'): a tutor's comment.
 *   POST /agreements/:id/feedback ('followup.act'): the student's experience feedback (shareable or not).
 *   POST /agreements/:id/midterm ('followup.act'): the student sends the mid-term report (from half of the presence hours).
 *   POST /agreements/:id/midterm/acknowledge{Company,Academic} ('followup.act'): each tutor's acknowledgement.
 *   POST /agreements/:id/defence ('followup.act'): the academic tutor records the defence's day and the final grade.
 */
export function followUpRoutes(r: Router, ctx: Ctx) {
  const { label, journal, midterm, feedback, defence } = ctx.services;
  // The page's parts read at once (reads only, no order between them): the page waits for the
  // slowest rather than for their sum.
  const parts = async (req: Request, a: Awaited<ReturnType<typeof ctx.services.agreements.show>>) => {
    const actor = req.actor!;
    const [roles, kept] = await Promise.all([journal.roles(actor, a), journal.isOpen(a)]);
    const [labelState, journalPage, midtermState, steps, feedbackState, evaluations, defenceState, award] = await Promise.all([
      label.state(actor, a),
      roles.reads && kept ? journal.page(a, pageParam(req.query.page)) : null,
      roles.reads ? midterm.state(actor, a, req.now, kept) : null,
      a.status === 'VALIDATED' ? stepsOf(ctx.db, a, req.now) : null,
      roles.reads ? feedback.state(actor, a, req.now, kept) : null,
      ctx.services.evaluations.followUp(actor, a, req.now),
      kept ? defence.state(actor, a, req.now) : null,
      ctx.services.labelAward.state(actor, a, req.now),
    ]);
    return { label: labelState, roles, journal: journalPage, midterm: midtermState, steps, feedback: feedbackState, evaluations, defence: defenceState, award };
  };
  const page = async (req: Request, res: Response, problem?: PageProblem) => {
    // Read for this rendering only: the step table is then computed once for the page's four parts.
    const a = forRendering(await ctx.services.agreements.show(req.actor!, idParam(req.params.id)));
    res.status(problem?.status ?? 200).render('followup/show', {
      title: req.t('followup.title', { number: agreementNumber(a) }),
      a,
      ...(await parts(req, a)),
      problemValues: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };
  const back = (req: Request, res: Response, key: string, anchor: string) => {
    flash(req, 'success', key);
    res.redirect(303, `/agreements/${req.params.id}/follow-up#${anchor}`);
  };

  r.get('/:id/follow-up', allow('agreements.view'), (req, res) => page(req, res));
  // The label's award, refusal and withdrawal, and its certificate (src/modules/label).
  labelAwardRoutes(r, ctx, page);
  detailAction(r, '/:id/label', 'followup.act', {
    page,
    run: async (req, res) => {
      const input = parse(answerSchema, req.body);
      await label.answer(act(req), idParam(req.params.id), input.party, input.answer);
      back(req, res, 'followup.label.saved', 'label');
    },
  });
  detailAction(r, '/:id/label/programme-default', 'followup.act', {
    page,
    run: async (req, res) => {
      const a = await ctx.services.agreements.show(req.actor!, idParam(req.params.id));
      if (a.programmeId === null) throw notFound();
      await label.setProgrammeDefault(act(req), a.programmeId, parse(defaultSchema, req.body).labelDefault);
      back(req, res, 'followup.label.defaultSaved', 'label');
    },
  });
  detailAction(r, '/:id/journal', 'followup.act', {
    page,
    run: async (req, res) => {
      const e = await journal.add(act(req), idParam(req.params.id), parse(entrySchema, req.body));
      back(req, res, 'followup.journal.saved', `entry-${e.id}`);
    },
  });
  detailAction(r, '/:id/midterm', 'followup.act', {
    page,
    run: async (req, res) => {
      await midterm.submit(act(req), idParam(req.params.id), parse(midtermSchema, req.body));
      back(req, res, 'followup.midterm.sent', 'midterm');
    },
  });
  for (const action of ['acknowledgeCompany', 'acknowledgeAcademic'] as const) {
    detailAction(r, `/:id/midterm/${action}`, 'followup.act', {
      page,
      run: async (req, res) => {
        await midterm.acknowledge(act(req), idParam(req.params.id), action, parse(ackSchema, req.body).comment);
        back(req, res, 'followup.midterm.acknowledged', 'midterm');
      },
    });
  }
  detailAction(r, '/:id/feedback', 'followup.act', {
    page,
    run: async (req, res) => {
      await feedback.save(act(req), idParam(req.params.id), parse(feedbackSchema, req.body));
      back(req, res, 'followup.feedback.saved', 'feedback');
    },
  });
  detailAction(r, '/:id/defence', 'followup.act', {
    page,
    run: async (req, res) => {
      await defence.record(act(req), idParam(req.params.id), parse(defenceSchema, req.body));
      back(req, res, 'followup.defence.saved', 'defence');
    },
  });
  detailAction(r, '/:id/journal/:entryId/comments', 'followup.act', {
    page,
    run: async (req, res) => {
      await journal.comment(act(req), idParam(req.params.id), idParam(req.params.entryId), parse(commentSchema, req.body).text);
      back(req, res, 'followup.journal.commented', `entry-${req.params.entryId}`);
    },
  });
}
