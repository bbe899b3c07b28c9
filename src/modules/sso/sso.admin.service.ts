import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { notFound } from '../../errors.js';
import type { IdentityProvider } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import type { ProviderInput } from './sso.schemas.js';

/** A provider as the audit trail and the form see it: without its secret, whether one is kept. */
function withoutSecret(p: IdentityProvider | null) {
  if (!p) return null;
  const { clientSecret, createdAt: _c, updatedAt: _u, ...rest } = p;
  return { ...rest, hasSecret: !!clientSecret };
}

/** The platform administrator's settings of each institution's single sign-on. */
export class SsoAdminService extends Service {
  /** Every institution with its provider's state, a page at a time. */
  async list(page: number) {
    const total = await this.db.institution.count();
    const p = pager(page, total);
    const items = await this.db.institution.findMany({
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: { id: true, code: true, name: true, identityProvider: { select: { protocol: true, label: true, enabled: true, passwordsDisabled: true } } },
    });
    return { items, pager: p };
  }

  /** The institution and its provider's settings (the secret never leaves: only whether there is one). */
  async get(institutionId: number) {
    const inst = await this.db.institution.findUnique({ where: { id: institutionId }, select: { id: true, code: true, name: true, identityProvider: true } });
    if (!inst) throw notFound();
    return { institution: { id: inst.id, code: inst.code, name: inst.name }, provider: withoutSecret(inst.identityProvider) };
  }

  /** Creates or changes the institution's provider, with its audit row (secret left out). */
  async save(act: Act, institutionId: number, input: ProviderInput) {
    const { removeSecret, clientSecret, ...fields } = input;
    await this.db.$transaction(async (tx) => {
      const inst = await tx.institution.findUnique({ where: { id: institutionId }, select: { id: true, identityProvider: true } });
      if (!inst) throw notFound();
      const before = inst.identityProvider;
      // Blank keeps the secret stored; a new one replaces it; "remove" makes the client a public one.
      const secret = removeSecret ? null : (clientSecret ?? before?.clientSecret ?? null);
      const data = { ...fields, clientSecret: secret };
      const after = await tx.identityProvider.upsert({ where: { institutionId }, create: { institutionId, ...data }, update: data });
      await audit(tx, {
        actorId: act.actor.id,
        action: before ? 'sso.provider.update' : 'sso.provider.create',
        entityType: 'IdentityProvider',
        entityId: after.id,
        before: withoutSecret(before),
        after: { ...withoutSecret(after), secretChanged: secret !== (before?.clientSecret ?? null) },
        requestId: act.requestId,
      });
    });
  }
}
