import type { Actor } from './authz/actor.js';
import type { LocaleCode, Translate } from './i18n/index.js';

declare global {
  namespace Express {
    // passport's req.user holds the actor loaded by deserializeUser.
    interface User extends Actor {}
    interface Request {
      id: string;
      /** The request's "now", read once from the app's clock. */
      now: Date;
      actor: Actor | null;
      locale: LocaleCode;
      t: Translate;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    createdAt?: number;
    flash?: { type: 'success' | 'error' | 'info'; key: string; params?: Record<string, string | number> }[];
    resetToken?: string;
    locale?: string;
  }
}

export {};
