import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { allow } from '../authz/guard.js';
import type { Permission } from '../authz/policy.js';
import { ValidationError } from '../errors.js';
import { cleanFields } from './input.js';
import { parse, textLimits } from './validate.js';

type Locals = Record<string, unknown>;

/**
 * The one way a form is handled: parse the body with the schema, run the action, and on a
 * ValidationError (from the schema or from the service) re-render the same view with status 422,
 * the submitted values kept and the messages beside the fields.
 */
export function formHandler<S extends z.ZodType>(opts: {
  schema: S | ((req: Request) => S);
  view: string;
  locals?: (req: Request) => Promise<Locals> | Locals;
  action: (req: Request, res: Response, data: z.infer<S>) => Promise<void>;
}) {
  return async (req: Request, res: Response) => {
    const schema = schemaFor(opts.schema, req);
    try {
      const data = parse(schema, req.body);
      await opts.action(req, res, data);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const locals = opts.locals ? await opts.locals(req) : {};
      // A refused or missing file (and a text too long to be read) is said with the other fields'
      // messages at the first submit, not once the rest is mended.
      const errors = { ...err.fields, ...req.uploadErrors };
      // 400 when the body itself could not be read to its end (a malformed multipart body).
      res.status(req.malformedBody ? 400 : 422).render(opts.view, { limits: textLimits(schema), ...locals, values: safeValues(req.body), errors });
    }
  };
}

/**
 * A form page: `GET path` renders the view with its locals and the initial values, `POST path`
 * goes through formHandler. Both carry the same permission; `beforePost` runs between the guard
 * and the handler (an upload middleware, say).
 */
export function formPage<S extends z.ZodType, L extends Locals>(
  router: Router,
  path: string,
  permission: Permission,
  opts: {
    view: string;
    schema: S | ((req: Request) => S);
    locals: (req: Request) => Promise<L> | L;
    initial?: (locals: L, req: Request) => Record<string, unknown>;
    beforePost?: RequestHandler[];
    action: (req: Request, res: Response, data: z.infer<S>) => Promise<void>;
  },
) {
  router.get(path, allow(permission), async (req, res) => {
    const locals = await opts.locals(req);
    res.render(opts.view, { limits: textLimits(schemaFor(opts.schema, req)), ...locals, values: opts.initial ? opts.initial(locals, req) : {} });
  });
  router.post(path, allow(permission), ...(opts.beforePost ?? []), formHandler({ schema: opts.schema, view: opts.view, locals: opts.locals, action: opts.action }));
}

/** A form's schema, given as is or built for the request. */
function schemaFor<S extends z.ZodType>(schema: S | ((req: Request) => S), req: Request): S {
  return typeof schema === 'function' && !('safeParse' in schema) ? (schema as (r: Request) => S)(req) : (schema as S);
}

/** Echo back what was typed, except secrets: strings and lists of strings only, whatever the body's shape. */
export function safeValues(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cleanFields(body))) if (!/password|_csrf/i.test(k)) out[k] = v;
  return out;
}

export function flash(req: Request, type: 'success' | 'error' | 'info', key: string, params?: Record<string, string | number>) {
  req.session.flash = [...(req.session.flash ?? []), { type, key, params }];
}
