import ejs from 'ejs';
import type { Express } from 'express';
import path from 'node:path';
import { nameErrorSummary } from './error-summary.js';

/** The views folder: includes name their file from it ('/partials/field'). */
export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

/**
 * EJS for an Express app, the one way: includes are absolute from the views folder, found without
 * a disk lookup at each include (a relative include costs an existsSync per call, cache or not);
 * with `cache`, compiled views are kept (and compiled without debugging aids) (Express otherwise looks each view up on disk,
 * synchronously, and recompiles it on every render); the error summary names its fields from their
 * labels, rendered after it (error-summary.ts).
 */
export function useViews(app: Express, { cache }: { cache: boolean }) {
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', cache);
  app.engine('ejs', (file: string, data: object, done: (err: Error | null, html?: string) => void) => {
    const cached = app.enabled('view cache');
    // Compiled for speed where views are cached (production, tests): without the line bookkeeping
    // that names a template's line in an error (kept where views are read again, in development).
    ejs.renderFile(file, data as ejs.Data, { root: VIEWS_DIR, views: [VIEWS_DIR], cache: cached, compileDebug: !cached }, (err, html) => done(err, html && nameErrorSummary(html)));
  });
}
