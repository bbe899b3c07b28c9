// A fetch client with a cookie jar, for signed-in requests to the app under test.
import { PASSWORD } from './seed.js';


/** A cookie jar: Set-Cookie headers in, a Cookie header out (the bench, the load and chaos suites). */
export class CookieJar {
  private jar = new Map<string, string>();
  keep(setCookie: string | string[] | undefined) {
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      if (i > 0) this.jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
  header() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export class Client {
  private jar = new CookieJar();
  constructor(private base: string) {}
  async get(p: string, expect = 200) {
    const res = await fetch(this.base + p, { redirect: 'manual', headers: { cookie: this.cookie() } });
    this.keep(res);
    const body = await res.text();
    if (res.status !== expect) throw new Error(`GET ${p}: ${res.status} (expected ${expect})`);
    return body;
  }
  async signIn(email: string, password = PASSWORD) {
    const page = await this.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf) throw new Error('no CSRF token on /login');
    const res = await fetch(this.base + '/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
    });
    this.keep(res);
    await res.text();
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  }
  cookie() {
    return this.jar.header();
  }
  private keep(res: Response) {
    this.jar.keep(res.headers.getSetCookie());
  }
}

