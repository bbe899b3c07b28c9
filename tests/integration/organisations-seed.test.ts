import { describe, expect, it } from 'vitest';
import { seedOrganisations } from '../../prisma/seed-organisations.js';
import { isNafCode, isValidSiret } from '../../src/modules/organisations/identifiers.js';
import { organisationSchema } from '../../src/modules/organisations/organisations.schemas.js';
import { makeCentre, makeUser } from '../factories/index.js';
import { useApp } from '../helpers/app.js';

describe('demo directory (prisma/seed-organisations.ts)', () => {
  const t = useApp();

  it('creates 200+ valid organisations in several countries, with services, contacts, partners and a queue', async () => {
    const centre = await makeCentre(t.db);
    const student = await makeUser(t.db);
    const started = Date.now();
    const made = await t.db.$transaction((tx) => seedOrganisations(tx, { queueCentreId: centre.id, createdById: student.id }), { timeout: 60_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(made.organisations).toBeGreaterThanOrEqual(200);
    expect(made.services).toBeGreaterThan(50);
    expect(made.contacts).toBeGreaterThan(made.services);

    const orgs = await t.db.organisation.findMany();
    const countries = new Set(orgs.map((o) => o.country));
    for (const c of ['FR', 'BE', 'MA', 'TN', 'DZ', 'CH', 'CA']) expect(countries.has(c), c).toBe(true);
    const fr = orgs.filter((o) => o.country === 'FR');
    expect(fr.length).toBeGreaterThan(orgs.length / 2);
    expect(fr.every((o) => o.siret && isValidSiret(o.siret))).toBe(true);
    expect(new Set(fr.map((o) => o.siret)).size).toBe(fr.length);
    expect(orgs.filter((o) => o.country !== 'FR').every((o) => o.siret === null)).toBe(true);
    expect(orgs.every((o) => isNafCode(o.nafCode))).toBe(true);
    expect(new Set(orgs.map((o) => o.nafCode.slice(0, 2))).size).toBeGreaterThan(15);
    expect(orgs.some((o) => o.department === '2A' || o.department === '2B')).toBe(true);
    expect(orgs.filter((o) => o.partnership).length).toBeGreaterThanOrEqual(5);
    const queued = orgs.filter((o) => !o.verified);
    expect(queued.length).toBeGreaterThanOrEqual(3);
    expect(queued.every((o) => o.centreId === centre.id && o.createdById === student.id)).toBe(true);
    // Every seeded organisation would pass the creation form.
    const invalid = orgs.filter((o) => !organisationSchema.safeParse({ ...o, siret: o.siret ?? '', fax: o.fax ?? '', email: o.email ?? '', website: o.website ?? '', addressLine2: o.addressLine2 ?? '', sector: o.sector ?? '', description: o.description ?? '', keywords: o.keywords ?? '' }).success);
    expect(invalid.map((o) => o.legalName)).toEqual([]);
    // Contacts' services belong to their organisation.
    const contacts = await t.db.contact.findMany({ where: { serviceId: { not: null } }, include: { service: true } });
    expect(contacts.every((c) => c.service!.organisationId === c.organisationId)).toBe(true);
  });

  it('is deterministic', async () => {
    const first = await t.db.$transaction((tx) => seedOrganisations(tx), { timeout: 60_000 });
    const names = (await t.db.organisation.findMany({ orderBy: { id: 'asc' }, select: { legalName: true, siret: true } })).map((o) => `${o.legalName}|${o.siret}`);
    await t.db.contact.deleteMany();
    await t.db.service.deleteMany();
    await t.db.organisation.deleteMany();
    const second = await t.db.$transaction((tx) => seedOrganisations(tx), { timeout: 60_000 });
    const again = (await t.db.organisation.findMany({ orderBy: { id: 'asc' }, select: { legalName: true, siret: true } })).map((o) => `${o.legalName}|${o.siret}`);
    expect(second).toEqual(first);
    expect(again).toEqual(names);
  });
});
