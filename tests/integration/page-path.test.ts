import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeUser } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

// Views are compiled once outside development: rendering a page looks nothing up on disk
// synchronously (Express's view lookup, fs.statSync, is cached with 'view cache').
describe('the page path', () => {
  const t = useApp();
  afterEach(() => vi.restoreAllMocks());

  it('renders pages without a synchronous file lookup once the views are compiled', async () => {
    expect(t.app.enabled('view cache')).toBe(true);
    await makeUser(t.db, { email: 'p@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 'p@x.test');
    await a.get('/account');
    const stat = vi.spyOn(fs, 'statSync');
    for (let i = 0; i < 20; i++) expect((await a.get('/account')).status).toBe(200);
    expect(stat).not.toHaveBeenCalled();
  });
});
