import { parseCasAnswer } from './cas-xml.js';
import { SsoError } from './sso.errors.js';

const TIMEOUT_MS = 10_000;
// Far above any real answer (a user and a few attributes): a larger one is not read.
const MAX_ANSWER = 256 * 1024;

/** A service ticket as CAS issues them ("ST-…"): printable ASCII, bounded. */
export const TICKET = /^[\x21-\x7e]{1,256}$/;

const base = (casUrl: string) => casUrl.replace(/\/+$/, '');

export function casLoginUrl(casUrl: string, service: string): string {
  return `${base(casUrl)}/login?service=${encodeURIComponent(service)}`;
}

export function casLogoutUrl(casUrl: string): string {
  return `${base(casUrl)}/logout`;
}

async function fetchAnswer(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/xml, text/xml' } });
    const body = await res.text();
    if (body.length > MAX_ANSWER) throw new SsoError('provider', 'answer too large');
    return { status: res.status, body };
  } catch (err) {
    if (err instanceof SsoError) throw err;
    throw new SsoError('unreachable', (err as Error).name);
  }
}

/**
 * Service validation: CAS 3 (/p3/serviceValidate, which releases the attributes), and CAS 2
 * (/serviceValidate, the same XML) when the server has no CAS 3 endpoint. The service must be the
 * very address the ticket was issued for.
 */
export async function casValidate(casUrl: string, service: string, ticket: string): Promise<{ user: string; attributes: Record<string, string[]> }> {
  if (!TICKET.test(ticket)) throw new SsoError('provider', 'malformed ticket');
  const query = `?service=${encodeURIComponent(service)}&ticket=${encodeURIComponent(ticket)}`;
  let answer = await fetchAnswer(`${base(casUrl)}/p3/serviceValidate${query}`);
  if (answer.status === 404) answer = await fetchAnswer(`${base(casUrl)}/serviceValidate${query}`);
  if (answer.status !== 200) throw new SsoError('provider', `HTTP ${answer.status}`);
  const parsed = parseCasAnswer(answer.body);
  if (!parsed.ok) throw new SsoError('provider', parsed.code);
  return { user: parsed.user, attributes: parsed.attributes };
}
