/**
 * End-to-end tests in a real Chromium (Debian's, driven by playwright-core), against the real app
 * listening on a random port of 127.0.0.1 with this worker's test database and the demo data.
 *
 *   describeBrowser('sign-in', () => {
 *     const t = useBrowserApp();
 *     it('…', async () => {
 *       const page = await t.newPage();            // a fresh browser context for each test
 *       await signIn(page, t.baseUrl, 'admin@demo.test');
 *       await expectAccessible(page);
 *     });
 *   });
 *
 * Without Chromium the tests are skipped with a warning, unless REQUIRE_BROWSER=1 (set by .ci/run):
 * then a missing browser fails the run.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Express } from 'express';
import { accessSync, constants, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../../prisma/seed-data.js';
import { closeApp, createApp } from '../../src/app.js';
import type { Db } from '../../src/db/client.js';
import { translate } from '../../src/i18n/index.js';
import { testConfig } from './app.js';
import { loadDemo, testDatabaseUrl, testDb } from './db.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` (or `chromium-browser`) on PATH; null when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CHROMIUM_PATH) return isExecutable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

export const chromiumPath = findChromium();
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const missingMessage = process.env.CHROMIUM_PATH
  ? `Chromium not found at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`
  : 'Chromium not found (looked at CHROMIUM_PATH, /usr/bin/chromium and PATH)';

let warned = false;

/**
 * `describe` for tests that need the browser: skipped with a warning when Chromium is missing,
 * failing instead when REQUIRE_BROWSER=1.
 */
export function describeBrowser(name: string, fn: () => void) {
  if (chromiumPath) return describe(name, fn);
  if (browserRequired) {
    return describe(name, () => {
      it('needs Chromium (REQUIRE_BROWSER=1)', () => {
        throw new Error(`${missingMessage}: REQUIRE_BROWSER=1 so the end-to-end tests must run. Install it with: apt-get install chromium`);
      });
    });
  }
  if (!warned) {
    warned = true;
    console.warn(`${missingMessage}: end-to-end tests skipped (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  return describe.skip(name, fn);
}

export interface BrowserApp {
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly baseUrl: string;
  readonly browser: Browser;
  readonly app: Express;
  readonly db: Db;
  /**
   * A page in a new browser context (closed after the test). With `as`, the context is signed in:
   * the first time through the login form (the page is then on that account's dashboard), later
   * with the same session cookie. Do not sign out from such a page: sign in with `signIn()` instead.
   */
  newPage(options?: { as?: string } & BrowserContextOptions): Promise<Page>;
  /** baseUrl + path. */
  url(p: string): string;
}

/**
 * One app and one browser for the file: the worker's database is emptied and the demo data
 * loaded once, before the first test. Each `newPage()` gets its own browser context.
 */
export function useBrowserApp(overrides: Record<string, string> = {}): BrowserApp {
  let server: http.Server | undefined;
  let app: Express | undefined;
  let browser: Browser | undefined;
  let db: Db | undefined;
  let baseUrl = '';
  let contexts: BrowserContext[] = [];
  // Sign-ins through the form are slow-ish (argon2): each account's cookies are kept for the file.
  const signedIn = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

  beforeAll(async () => {
    const url = await testDatabaseUrl();
    db = await testDb();
    await loadDemo(db, (d) => seedDemo(d));

    // Listen first (port 0 = any free port), then build the app with the real BASE_URL.
    server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, '127.0.0.1', () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = createApp({ config: testConfig({ BASE_URL: baseUrl, ...overrides }), db, databaseUrl: url });
    server.on('request', app);

    browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS });
  });

  afterEach(async () => {
    const open = contexts;
    contexts = [];
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    if (app) await closeApp(app);
  });

  const newContext = async (options: BrowserContextOptions = {}) => {
    const context = await browser!.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...options });
    context.setDefaultTimeout(30_000); // generous: CI shares two cores between two test workers and Chromium
    context.setDefaultNavigationTimeout(30_000);
    contexts.push(context);
    return context;
  };

  return {
    get baseUrl() {
      return baseUrl;
    },
    get browser() {
      return browser!;
    },
    get app() {
      return app!;
    },
    get db() {
      return db!;
    },
    url: (p: string) => baseUrl + p,
    async newPage(options = {}) {
      const { as, ...contextOptions } = options;
      if (!as) return (await newContext(contextOptions)).newPage();
      let state = signedIn.get(as);
      if (!state) {
        const context = await newContext(contextOptions);
        const page = await context.newPage();
        await signIn(page, baseUrl, as);
        state = await context.storageState();
        signedIn.set(as, state);
        return page;
      }
      return (await newContext({ ...contextOptions, storageState: state })).newPage();
    },
  };
}

const fr = (key: string) => translate('fr', key);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The form control labelled exactly `label` (a required field's label ends with " *", which is
 * hidden from assistive technologies but part of the label's text).
 */
export function field(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^\\s*${escapeRe(label)}(\\s*\\*)?\\s*$`));
}

/**
 * Signs in through the login form (labels, not selectors) and waits for the page that follows.
 * Throws when the browser is still on /login afterwards.
 */
export async function signIn(page: Page, baseUrl: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await field(page, fr('auth.login.email')).fill(email);
  await field(page, fr('auth.login.password')).fill(password);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.getByRole('button', { name: fr('auth.login.submit') }).click(),
  ]);
}

/** A readable list of axe violations: rule, impact, help, and the offending nodes. */
export function formatViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      - ${n.target.join(' ')}\n        ${(n.failureSummary ?? '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  • ${v.id} [${v.impact ?? 'n/a'}] ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Runs axe (WCAG 2.0/2.1 A and AA) on the current page and fails with a readable summary. */
export async function expectAccessible(page: Page, label = new URL(page.url()).pathname) {
  // Violations only: collecting every passing node as well is most of axe's time on a long page.
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ resultTypes: ['violations'] }).analyze();
  if (result.violations.length) {
    throw new Error(`${result.violations.length} accessibility violation(s) on ${label}:\n${formatViolations(result.violations)}`);
  }
  expect(result.violations).toEqual([]);
}

/** When E2E_SCREENSHOTS is set to a folder, saves a full-page screenshot there (for a human look). */
export async function screenshot(page: Page, name: string) {
  const dir = process.env.E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** A phone's viewport (iPhone-sized), for the pages checked at both widths. */
export const PHONE = { width: 390, height: 844 };
/** Whether the page fits its viewport's width (a phone never scrolls sideways). */
export const noSidewaysScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

/** axe at desktop width, then at a phone's (no sideways scrolling), a screenshot, and back to desktop. */
export async function checkAtBothWidths(page: Page, label: string) {
  await expectAccessible(page, `${label} (desktop)`);
  await page.setViewportSize(PHONE);
  expect(await noSidewaysScroll(page), label).toBe(true);
  await expectAccessible(page, `${label} (phone)`);
  await screenshot(page, label.replace(/\W+/g, '-'));
  await page.setViewportSize({ width: 1280, height: 900 });
}
