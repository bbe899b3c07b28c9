import express, { type Express, type Router } from 'express';

const PREFIX = Symbol.for('stages.mountPrefix');

/** Mounts a module router and remembers its prefix so the authorization test can list full paths. */
export function mount(app: Express, prefix: string, router: Router) {
  (router as unknown as Record<symbol, string>)[PREFIX] = prefix;
  app.use(prefix, router);
}

export function mountPrefix(router: unknown): string | undefined {
  return (router as Record<symbol, string> | undefined)?.[PREFIX];
}

export function newRouter(): Router {
  return express.Router();
}
