import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { centresWith, hasCentreRight } from '../../authz/centres.js';
import { activeAdministrator } from '../../authz/memberships.js';
import { can } from '../../authz/policy.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { forbidden, InUseError, notFound, ValidationError } from '../../errors.js';
import { pager } from '../../http/pagination.js';
import { nafLabel, nafSectionOf, normalizeName } from './identifiers.js';
import { createOrganisation, derivedColumns, findPossibleDuplicates, mayManageServices } from './organisations.core.js';
import { ORGANISATION_REFERENCES, referencesOf } from './organisations.references.js';
import type { OrganisationCreateInput, OrganisationEditInput, SearchInput } from './organisations.schemas.js';
import { RESULT_SELECT, searchOrganisations } from './organisations.search.js';

export type Candidate = Awaited<ReturnType<typeof findPossibleDuplicates>>[number];

/**
 * Possible duplicates found before a creation: the form comes back (422) listing them. With a
 * same-SIRET candidate the creation is refused (a SIRET identifies one establishment); with a
 * same-name one the user may confirm that theirs is another establishment.
 */
export class DuplicateError extends ValidationError {
  constructor(
    fields: Record<string, string>,
    public candidates: Candidate[],
    public sameSiret: boolean,
  ) {
    super(fields);
  }
}

/** Serialises the creations and edits that could clash on a SIRET or a name in a postal code. */
export async function lockIdentity(tx: Tx, keys: (string | null | undefined)[]) {
  for (const key of keys.filter((k): k is string => !!k).sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${'organisation:' + key}))`;
  }
}

const identityKeys = (input: { siret: string | null; legalName: string; postalCode: string }) => [
  input.siret ? `siret:${input.siret}` : null,
  `name:${normalizeName(input.legalName)}|${input.postalCode}`,
];

/** Centres where the actor holds WRITE or ADMIN, in id order (the first one receives their creations). */
const writeCentres = (actor: Actor): number[] => centresWith(actor, 'WRITE').sort((a, b) => a - b);

/**
 * The host-organisation directory. Reach, in one place:
 * - search and detail: whoever may search ('organisations.search') sees every organisation,
 *   unverified ones with a badge;
 * - creation: a student's organisation waits in the queue of their study year's centre; centre
 *   staff (WRITE) and the platform administrator create verified ones;
 * - edit: WRITE staff and the platform administrator, any organisation;
 * - verify, merge, delete: the platform administrator, any; WRITE staff, those whose centre is one
 *   where they hold WRITE or that have no centre (created by an administrator or the seed); an
 *   organisation of a centre where they only READ is a 403, of another centre a 404.
 */
export class OrganisationService extends Service {

  async get(id: number) {
    const org = await this.db.organisation.findUnique({ where: { id } });
    if (!org) throw notFound();
    return org;
  }

  /** May the actor verify, merge or delete this organisation? */
  canModerateRecord(actor: Actor, org: { centreId: number | null }): boolean {
    if (actor.isPlatformAdmin) return true;
    if (!can(actor, 'organisations.moderate')) return false;
    return org.centreId === null || hasCentreRight(actor, org.centreId, 'WRITE');
  }

  private assertModerate(actor: Actor, org: { centreId: number | null }) {
    if (this.canModerateRecord(actor, org)) return;
    if (org.centreId !== null && actor.centres.has(org.centreId)) throw forbidden();
    throw notFound();
  }

  async search(input: SearchInput, page: number, order?: Parameters<typeof searchOrganisations>[3]) {
    return searchOrganisations(this.db, input, page, order);
  }

  /** The detail page: every field, the NAF label and section, services with their contacts, history. */
  async detail(actor: Actor, id: number) {
    const org = await this.db.organisation.findUnique({
      where: { id },
      include: {
        centre: { select: { id: true, name: true } },
        verifiedBy: { select: { firstName: true, lastName: true } },
        createdBy: { select: { firstName: true, lastName: true } },
        services: { orderBy: [{ name: 'asc' }, { id: 'asc' }], include: { contacts: { orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }] } } },
        contacts: { orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }], include: { service: { select: { id: true, name: true } } } },
      },
    });
    if (!org) throw notFound();
    return {
      org,
      naf: { label: nafLabel(org.nafCode) ?? '', section: nafSectionOf(org.nafCode) ?? null },
      history: await this.history(id, org),
      canEdit: can(actor, 'organisations.moderate'),
      canModerate: this.canModerateRecord(actor, org),
      canManageServices: can(actor, 'organisations.services') && mayManageServices(actor, id),
      // A spontaneous application needs an administrator on the company side to receive it.
      acceptsSpontaneous: can(actor, 'applications.apply') && (await this.db.companyMembership.count({ where: { organisationId: id, ...activeAdministrator } })) > 0,
    };
  }

  /** "Created on … by …, modified on … by …", from the audit trail (or the row for seeded data). */
  private async history(id: number, org: { createdAt: Date; updatedAt: Date; createdBy: { firstName: string; lastName: string } | null }) {
    const rows = await this.db.auditLog.findMany({
      where: { entityType: 'Organisation', entityId: String(id) },
      orderBy: { id: 'asc' },
      select: { action: true, createdAt: true, actor: { select: { firstName: true, lastName: true } } },
    });
    const name = (u: { firstName: string; lastName: string } | null | undefined) => (u ? `${u.firstName} ${u.lastName}` : null);
    const created = rows.find((r) => r.action === 'organisation.create');
    const last = rows.filter((r) => r.action !== 'organisation.create').at(-1);
    return {
      createdAt: created?.createdAt ?? org.createdAt,
      createdBy: created ? name(created.actor) : name(org.createdBy),
      modifiedAt: last?.createdAt ?? null,
      modifiedBy: last ? name(last.actor) : null,
      modifiedAction: last?.action ?? null,
    };
  }

  /** Where a new organisation goes: verified at once for staff and administrators, else in a centre's queue. */
  private async placementFor(db: DbOrTx, actor: Actor): Promise<{ verified: boolean; centreId: number | null }> {
    if (actor.isPlatformAdmin) return { verified: true, centreId: null };
    const write = writeCentres(actor);
    if (write.length) return { verified: true, centreId: write[0] };
    if (actor.student) {
      if (actor.student.studyYearId) {
        const year = await db.studyYear.findUnique({ where: { id: actor.student.studyYearId }, select: { centreId: true } });
        if (year) return { verified: false, centreId: year.centreId };
      }
      // No study year yet: the institution's own centre, if it has one.
      const centre = await db.managementCentre.findFirst({ where: { institutionId: actor.student.institutionId }, orderBy: [{ kind: 'asc' }, { id: 'asc' }], select: { id: true } });
      return { verified: false, centreId: centre?.id ?? null };
    }
    return { verified: false, centreId: null };
  }

  async create(act: Act, input: OrganisationCreateInput) {
    const { actor, requestId } = act;
    const { confirmDistinct, ...data } = input;
    return this.db.$transaction(async (tx) => {
      await lockIdentity(tx, identityKeys(data));
      const candidates = await findPossibleDuplicates(tx, data);
      const sameSiret = candidates.filter((c) => data.siret && c.siret === data.siret);
      if (sameSiret.length) throw new DuplicateError({ siret: 'organisations.errors.siretTaken' }, sameSiret, true);
      if (candidates.length && !confirmDistinct) throw new DuplicateError({ confirmDistinct: 'organisations.duplicates.confirmRequired' }, candidates, false);
      const placement = await this.placementFor(tx, actor);
      return createOrganisation(tx, act, data, placement);
    });
  }

  /** Edit by WRITE staff or the platform administrator: the verification stays as it is. */
  async update(act: Act, id: number, input: OrganisationEditInput) {
    const { actor, requestId } = act;
    return this.db.$transaction(async (tx) => {
      await lockIdentity(tx, identityKeys(input));
      const before = await tx.organisation.findUnique({ where: { id } });
      if (!before) throw notFound();
      if (input.siret && input.siret !== before.siret) {
        const taken = await tx.organisation.findFirst({ where: { siret: input.siret, id: { not: id } }, select: { id: true } });
        if (taken) throw new ValidationError({ siret: 'organisations.errors.siretTaken' });
      }
      const after = await tx.organisation.update({ where: { id }, data: { ...input, ...derivedColumns(input) } });
      await audit(tx, { actorId: actor.id, action: 'organisation.update', entityType: 'Organisation', entityId: id, before, after, requestId });
      return after;
    });
  }

  /** Unverified organisations of the actor's WRITE centres (all of them for the platform administrator), oldest first. */
  async queue(actor: Actor, page: number) {
    const where = { verified: false, ...(actor.isPlatformAdmin ? {} : { centreId: { in: writeCentres(actor) } }) };
    const total = await this.db.organisation.count({ where });
    const p = pager(page, total);
    const items = await this.db.organisation.findMany({
      where,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: { ...RESULT_SELECT, createdAt: true, centre: { select: { name: true } }, createdBy: { select: { firstName: true, lastName: true } } },
    });
    return { items, pager: p };
  }

  async verify(act: Act, id: number) {
    const { actor, requestId } = act;
    const org = await this.get(id);
    this.assertModerate(actor, org);
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ verified: boolean }[]>`SELECT verified FROM "Organisation" WHERE id = ${id} FOR UPDATE`;
      if (!rows.length) throw notFound();
      if (rows[0].verified) return { alreadyVerified: true };
      const after = await tx.organisation.update({ where: { id }, data: { verified: true, verifiedAt: act.now, verifiedById: actor.id } });
      await audit(tx, {
        actorId: actor.id,
        action: 'organisation.verify',
        entityType: 'Organisation',
        entityId: id,
        before: { verified: false },
        after: { verified: true, verifiedAt: after.verifiedAt, verifiedById: actor.id },
        requestId,
      });
      return { alreadyVerified: false };
    });
  }

  /** Organisations a duplicate may be merged into, by name (the merge page's picker). */
  async mergeCandidates(id: number, name: string) {
    const n = normalizeName(name);
    if (n.length < 2) return [];
    return this.db.organisation.findMany({
      where: { normalizedName: { contains: n }, id: { not: id } },
      orderBy: [{ normalizedName: 'asc' }, { id: 'asc' }],
      take: 25,
      select: RESULT_SELECT,
    });
  }

  /** What a merge will do: the duplicate, the organisation kept, and what moves from one to the other. */
  async mergePreview(actor: Actor, id: number, targetId: number | null) {
    const source = await this.get(id);
    this.assertModerate(actor, source);
    if (targetId === null) return { source, target: null, moves: [] };
    if (targetId === id) throw new ValidationError({ targetId: 'organisations.merge.errors.self' });
    const target = await this.db.organisation.findUnique({ where: { id: targetId } });
    if (!target) throw new ValidationError({ targetId: 'organisations.merge.errors.notFound' });
    const moves = [];
    for (const ref of ORGANISATION_REFERENCES) moves.push({ labelKey: ref.labelKey, count: await ref.count(this.db, id) });
    return { source, target, moves };
  }

  /**
   * Merges the duplicate `id` into `targetId`: every reference moves to the target, the duplicate
   * is deleted, and the audit trail keeps both ids — all in one transaction.
   */
  async merge(act: Act, id: number, targetId: number) {
    const { actor, requestId } = act;
    const source = await this.get(id);
    this.assertModerate(actor, source);
    if (targetId === id) throw new ValidationError({ targetId: 'organisations.merge.errors.self' });
    return this.db.$transaction(async (tx) => {
      // Both rows locked, in id order so that two crossed merges cannot deadlock.
      const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE id IN (${id}, ${targetId}) ORDER BY id FOR UPDATE`;
      if (!locked.some((r) => r.id === id)) throw notFound();
      if (!locked.some((r) => r.id === targetId)) throw new ValidationError({ targetId: 'organisations.merge.errors.notFound' });
      const duplicate = await tx.organisation.findUniqueOrThrow({ where: { id } });
      const target = await tx.organisation.findUniqueOrThrow({ where: { id: targetId } });
      const moved: Record<string, { moved: number[]; merged?: number[] }> = {};
      for (const ref of ORGANISATION_REFERENCES) moved[ref.table] = await ref.move(tx, id, targetId);
      await tx.organisation.delete({ where: { id } });
      await audit(tx, {
        actorId: actor.id,
        action: 'organisation.merge',
        entityType: 'Organisation',
        entityId: targetId,
        before: { duplicateId: id, duplicate, targetId, target },
        after: { duplicateId: id, targetId, moved },
        requestId,
      });
      // The duplicate's own history says where it went.
      await audit(tx, {
        actorId: actor.id,
        action: 'organisation.mergedInto',
        entityType: 'Organisation',
        entityId: id,
        before: duplicate,
        after: { duplicateId: id, targetId, moved },
        requestId,
      });
      return { target, moved };
    });
  }

  /** Deletes an organisation that nothing references; refused (InUseError) otherwise. */
  async remove(act: Act, id: number) {
    const { actor, requestId } = act;
    const org = await this.get(id);
    this.assertModerate(actor, org);
    await this.db.$transaction(async (tx) => {
      // The lock holds back a service or membership being added meanwhile.
      const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE id = ${id} FOR UPDATE`;
      if (!rows.length) throw notFound();
      const refs = await referencesOf(tx, ORGANISATION_REFERENCES, id);
      if (refs.length) throw new InUseError(refs);
      const before = await tx.organisation.delete({ where: { id } });
      await audit(tx, { actorId: actor.id, action: 'organisation.delete', entityType: 'Organisation', entityId: id, before, requestId });
    });
    return org;
  }
}
