import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import { DAY_MS, later } from '../time/clock.js';
import { formHandler } from './forms.js';
import { allow } from '../authz/guard.js';
import type { Permission } from '../authz/policy.js';

/** A draft nobody touched for this long is purged (the daily 'purge-wizard-drafts' job). */
export const DRAFT_DAYS = 30;

declare module 'express-session' {
  interface SessionData {
    /** Anonymous owners' drafts: the random token of each wizard's draft row, by kind. */
    wizardTokens?: Record<string, string>;
  }
}

/**
 * One screen of a wizard. `complete` says whether the draft already holds what the screen asks
 * (the last screen never is: confirming it finishes the wizard). `path` may depend on the draft
 * when a screen has two forms (the registration's first screen: the search, then the organisation).
 * `schema` and `view` are the screen's form, for `formStep`.
 */
export interface WizardStep<D> {
  key: string;
  path: string | ((draft: D) => string);
  complete: (draft: D) => boolean;
  schema?: z.ZodType;
  view?: string;
}

export interface WizardDef<D> {
  /** Which wizard a draft row belongs to. */
  kind: string;
  steps: readonly WizardStep<D>[];
  /** Who may fill it (every screen's guard). */
  permission: Permission;
  /** The draft before the first screen. */
  empty: () => D;
  /** The catalogue prefix of the progress texts: <prefix>.title, .stepOf, .stepsLabel, .steps.<n>, .stepCurrent/.stepDone/.stepTodo. */
  i18n: string;
}

/** Who a draft belongs to: a signed-in user on any device, or an anonymous session's token. */
type Owner = { ownerId: number } | { token: string };

/** Deletes the drafts whose owner left them for DRAFT_DAYS (daily job). */
export async function purgeWizardDrafts(db: DbOrTx, now: Date): Promise<number> {
  const { count } = await db.wizardDraft.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

/**
 * A long form split over several screens, whose draft lives in the database (WizardDraft) rather
 * than in the session: nothing of the domain is written before the last screen, the draft survives
 * the session's idle timeout, and a signed-in owner finds it again from another device. The steps
 * are a table; a screen reached before the previous ones are complete sends back to the first
 * missing one; `finish` hands the draft to the caller's transaction, which deletes it.
 */
export class Wizard<D extends object> {
  // The draft read once per request (the guard, then the handler).
  private readonly loaded = new WeakMap<Request, D>();

  constructor(
    private readonly db: Db,
    readonly def: WizardDef<D>,
  ) {}

  private owner(req: Request): Owner | null {
    if (req.actor) return { ownerId: req.actor.id };
    const token = req.session.wizardTokens?.[this.def.kind];
    return token ? { token } : null;
  }

  private where(owner: Owner): Prisma.WizardDraftWhereInput {
    return 'ownerId' in owner ? { kind: this.def.kind, ownerId: owner.ownerId } : { kind: this.def.kind, token: owner.token, ownerId: null };
  }

  /** The request's draft (an empty one when there is none, or it expired). */
  async draft(req: Request): Promise<D> {
    const cached = this.loaded.get(req);
    if (cached) return cached;
    const owner = this.owner(req);
    const row = owner ? await this.db.wizardDraft.findFirst({ where: { ...this.where(owner), expiresAt: { gt: req.now } }, select: { data: true } }) : null;
    const draft = row ? ({ ...this.def.empty(), ...(row.data as object) } as D) : this.def.empty();
    this.loaded.set(req, draft);
    return draft;
  }

  /** Stores the draft; its expiry moves DRAFT_DAYS ahead. */
  async save(req: Request, draft: D) {
    this.loaded.set(req, draft);
    const data = draft as unknown as Prisma.InputJsonValue;
    const expiresAt = later(req.now, DRAFT_DAYS * DAY_MS);
    if (req.actor) {
      const ownerId_kind = { ownerId: req.actor.id, kind: this.def.kind };
      await this.db.wizardDraft.upsert({ where: { ownerId_kind }, create: { ...ownerId_kind, data, expiresAt }, update: { data, expiresAt } });
      return;
    }
    const tokens = (req.session.wizardTokens ??= {});
    const token = (tokens[this.def.kind] ??= randomBytes(24).toString('base64url'));
    await this.db.wizardDraft.upsert({ where: { token }, create: { kind: this.def.kind, token, data, expiresAt }, update: { data, expiresAt } });
  }

  /** Drops the draft (the visitor abandons). */
  async discard(req: Request) {
    await this.deleteRow(req, this.db);
    this.forget(req);
  }

  private async deleteRow(req: Request, db: DbOrTx) {
    const owner = this.owner(req);
    if (owner) await db.wizardDraft.deleteMany({ where: this.where(owner) });
  }

  private forget(req: Request) {
    if (req.session.wizardTokens) delete req.session.wizardTokens[this.def.kind];
    this.loaded.delete(req);
  }

  /**
   * The last screen: `run` writes everything in one transaction of its own and calls `discard(tx)`
   * inside it, so that the draft goes with the commit (and stays, token included, when it fails).
   */
  async finish<R>(req: Request, run: (draft: D, discard: (tx: Tx) => Promise<void>) => Promise<R>): Promise<R> {
    const result = await run(await this.draft(req), (tx) => this.deleteRow(req, tx));
    this.forget(req);
    return result;
  }

  hrefOf(step: WizardStep<D>, draft: D): string {
    return typeof step.path === 'function' ? step.path(draft) : step.path;
  }

  private index(key: string): number {
    const i = this.def.steps.findIndex((s) => s.key === key);
    if (i < 0) throw new Error(`wizard ${this.def.kind}: no step ${key}`);
    return i;
  }

  /** The first screen before `key` still to fill, or null when `key` may be shown. */
  missingBefore(draft: D, key: string): WizardStep<D> | null {
    return this.def.steps.slice(0, this.index(key)).find((s) => !s.complete(draft)) ?? null;
  }

  /** Where "Continuer" leads: the first screen still to fill (the last one when all are). */
  next(draft: D): string {
    const steps = this.def.steps;
    return this.hrefOf(steps.find((s) => !s.complete(draft)) ?? steps[steps.length - 1], draft);
  }

  /** Middleware: a screen reached before the previous ones are complete redirects to the first missing one. */
  guard(key: string): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const missing = this.missingBefore(await this.draft(req), key);
      if (missing) return res.redirect(303, this.hrefOf(missing, await this.draft(req)));
      next();
    };
  }

  /** The locals of views/partials/wizard-progress.ejs: "Étape N sur M", the steps (reachable ones are links). */
  progress(req: Request, draft: D, key: string) {
    const p = this.def.i18n;
    const step = this.index(key) + 1;
    const total = this.def.steps.length;
    const heading = req.t(`${p}.steps.${step}`);
    const steps = this.def.steps.map((s, i) => ({
      label: req.t(`${p}.steps.${i + 1}`),
      href: this.missingBefore(draft, s.key) ? null : this.hrefOf(s, draft),
      current: s.key === key,
      done: i < total - 1 && !this.missingBefore(draft, this.def.steps[i + 1].key),
    }));
    const wizard = {
      kicker: req.t(`${p}.title`),
      heading,
      stepOf: req.t(`${p}.stepOf`, { step, total }),
      navLabel: req.t(`${p}.stepsLabel`),
      words: { current: req.t(`${p}.stepCurrent`), done: req.t(`${p}.stepDone`), todo: req.t(`${p}.stepTodo`) },
      steps,
    };
    return { title: `${wizard.stepOf} — ${heading} — ${wizard.kicker}`, heading, wizard };
  }

  /**
   * A plain screen: GET shows the step's view with the draft's values (going back keeps them),
   * POST parses the step's schema, lets `store` put the data in the draft (it may refuse with a
   * ValidationError), saves it and goes on to the next screen to fill.
   */
  formStep<S extends z.ZodType>(
    router: Router,
    key: string,
    opts: {
      locals: (req: Request, draft: D) => Promise<Record<string, unknown>> | Record<string, unknown>;
      values: (draft: D) => Record<string, unknown>;
      store: (draft: D, data: z.infer<S>, req: Request) => Promise<void> | void;
    },
  ) {
    const step = this.def.steps[this.index(key)];
    const path = this.hrefOf(step, this.def.empty());
    const view = step.view!;
    const locals = async (req: Request) => opts.locals(req, await this.draft(req));
    router.get(path, allow(this.def.permission), this.guard(key), async (req, res) => {
      res.render(view, { ...(await locals(req)), values: opts.values(await this.draft(req)) });
    });
    router.post(
      path,
      allow(this.def.permission),
      this.guard(key),
      formHandler({
        schema: step.schema as S,
        view,
        locals,
        action: async (req, res, data) => {
          const draft = await this.draft(req);
          await opts.store(draft, data, req);
          await this.save(req, draft);
          res.redirect(303, this.next(draft));
        },
      }),
    );
  }
}
