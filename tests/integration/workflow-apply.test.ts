import { describe, expect, it } from 'vitest';
import type { Act } from '../../src/act.js';
import { loadActor, type Actor } from '../../src/authz/actor.js';
import { OFFER_WORKFLOW } from '../../src/modules/offers/offers.workflow.js';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { useApp } from '../helpers/app.js';

// The engine's promise: a state change, its audit row and its mails commit together or not at all.
describe('workflow engine: apply in the caller’s transaction', () => {
  const t = useApp();

  async function setting() {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishFrom: null, publishUntil: null });
    const writer = (await loadActor(t.db, w.writeA.id))!;
    const act: Act<Actor> = { actor: writer, requestId: 'req-1', now: new Date('2026-03-02T09:00:00Z') };
    const apply = (tx: Parameters<Parameters<typeof t.db.$transaction>[0]>[0], action: 'approve' | 'fill') =>
      OFFER_WORKFLOW.apply(tx, {
        act,
        record: offer,
        id: offer.id,
        action,
        write: (to) => tx.offer.update({ where: { id: offer.id }, data: { status: to } }),
        recipients: async () => [{ id: w.company.admin.id, email: w.company.admin.email, firstName: 'Ada', locale: 'fr' }, { id: writer.id, email: writer.email, firstName: 'Moi', locale: 'fr' }],
        mail: (_template, u, after) => ({ firstName: u.firstName, number: after.id, title: after.title, organisation: 'Volcans', until: '', reason: '', by: '', link: 'http://stages.test' }),
      });
    return { w, offer, writer, apply };
  }

  it('writes the state, one audit row and the mails (never to the actor) when the transaction commits', async () => {
    const { w, offer, apply } = await setting();
    const r = await t.db.$transaction((tx) => apply(tx, 'approve'));
    expect(r.to).toBe('PUBLISHED');
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('PUBLISHED');
    const audits = await t.db.auditLog.findMany({ where: { entityType: 'Offer', entityId: String(offer.id), action: 'offer.approve' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: w.writeA.id, requestId: 'req-1', before: { status: 'PENDING_SCHOOL' }, after: { status: 'PUBLISHED' } });
    expect((await t.db.outboxEmail.findMany()).map((m) => [m.to, m.template])).toEqual([[w.company.admin.email, 'offer-published']]);
  });

  it('leaves nothing behind when the transaction rolls back after apply', async () => {
    const { offer, apply } = await setting();
    await expect(
      t.db.$transaction(async (tx) => {
        await apply(tx, 'approve');
        throw new Error('a later step of the same change failed');
      }),
    ).rejects.toThrow('a later step');
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('PENDING_SCHOOL');
    expect(await t.db.auditLog.count({ where: { entityType: 'Offer', entityId: String(offer.id) } })).toBe(0);
    expect(await t.db.outboxEmail.count()).toBe(0);
  });

  it('refuses the wrong state with a 422 before writing anything', async () => {
    const { offer, apply } = await setting();
    await expect(t.db.$transaction((tx) => apply(tx, 'fill'))).rejects.toMatchObject({ status: 422, code: 'wrong_state' });
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('PENDING_SCHOOL');
    expect(await t.db.auditLog.count({ where: { entityType: 'Offer' } })).toBe(0);
  });
});
