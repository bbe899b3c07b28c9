import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { formatters } from '../../i18n/format.js';
import type { Fields } from '../../http/input.js';
import { messageFor } from '../../http/validate.js';
import { newRouter } from '../../http/router.js';
import type { EngineResult } from '../../legal/types.js';
import { WEEKDAYS } from '../../legal/types.js';
import { todayIn } from '../../time/calendar.js';
import { checkMessage, durationText, reasonText, simulate, simulatorJson, type CheckWords } from './simulator.js';
import { EMPTY_PAUSE_ROWS, LIMITS, parseSimulatorQuery, type SimulatorParse, type SimulatorQuery } from './simulator.input.js';

const wordsOf = (req: Request): CheckWords => ({ t: req.t, fmt: formatters(req.locale), locale: req.locale });

// The public stipend simulator (issue 11): no sign-in, a GET form that works without JavaScript,
// and the same address answers JSON to a client that asks for it (Accept: application/json).
export function simulatorRoutes(ctx: Ctx) {
  const r = newRouter();

  r.get('/stipend', allow('public'), async (req, res) => {
    // The same URL answers HTML or JSON: caches must keep them apart.
    res.vary('Accept');
    const json = req.accepts(['html', 'json']) === 'json';
    // cleanInput (src/http/input.ts) has made every field a string or a list of strings.
    const parsed = parseSimulatorQuery(req.query as Fields, todayIn(req.now));
    if (parsed.kind === 'invalid') {
      res.status(422);
      if (json) return void res.json({ errors: Object.fromEntries(Object.entries(parsed.jsonErrors).map(([f, key]) => [f, messageFor(req.t, key)])) });
      return renderPage(req, res, parsed, null);
    }
    if (parsed.kind === 'empty') {
      if (json) return void res.status(422).json({ errors: { start: req.t('errors.field.required'), end: req.t('errors.field.required') } });
      return renderPage(req, res, parsed, null);
    }
    const result = await simulate(ctx.db, parsed.query);
    if (json) return void res.json(simulatorJson(result, wordsOf(req)));
    renderPage(req, res, parsed, { result, query: parsed.query });
  });

  return r;
}

/** The page: the form (values kept, messages beside the fields) and, once computed, the result. */
function renderPage(req: Request, res: Response, parsed: SimulatorParse, done: { result: EngineResult; query: SimulatorQuery } | null) {
  const words = wordsOf(req);
  const { values } = parsed;
  // Rows typed (or given as `pause`) and a few empty ones, so that interruptions can be added without a script.
  const pauses = [...values.pauses, ...Array.from({ length: Math.max(EMPTY_PAUSE_ROWS - values.pauses.length, 1) }, () => ({ from: '', to: '' }))].slice(0, Math.max(LIMITS.pauses, values.pauses.length));
  res.render('legal/simulator', {
    title: req.t('legal.simulator.title'),
    values: { ...values, holidays: values.holidays || values.country },
    errors: parsed.kind === 'invalid' ? parsed.errors : {},
    pauses,
    weekdays: WEEKDAYS,
    limits: LIMITS,
    result: done ? present(done.result, done.query, words) : null,
  });
}

/** What the page shows of a result: the duration, why a stipend is (not) due, the months, the checks with their messages. */
function present(result: EngineResult, query: SimulatorQuery, words: CheckWords) {
  return {
    ...result,
    duration: durationText(result, words),
    reason: reasonText(result, query.rulesCountry, query.signedOn, words),
    checks: result.checks.map((c) => ({ ...c, message: checkMessage(c, words) })),
    blocking: result.checks.some((c) => c.severity === 'blocking'),
  };
}
