import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import type { AcademicYearInput, CentreCreateInput, InstitutionInput, ProgrammeInput, StudyYearInput } from './institutions.schemas.js';
import { pager } from '../../http/pagination.js';
import { uniqueAs } from '../../db/unique.js';
import { Service, type Act } from '../../act.js';

/**
 * Reference data kept by the platform administrator: institutions, programmes, study years,
 * academic years and the creation of management centres. Every change writes its audit row in
 * the same transaction.
 */
export class ReferenceService extends Service {

  private requireAdmin(actor: Actor) {
    if (!actor.isPlatformAdmin) throw forbidden();
  }

  // ───────────── institutions ─────────────

  /** One page of the institutions, in `order` (INSTITUTION_SORT; by name by default). */
  async listInstitutions(page: number, order?: Prisma.InstitutionOrderByWithRelationInput[] | null) {
    const total = await this.db.institution.count();
    const p = pager(page, total);
    const items = await this.db.institution.findMany({
      orderBy: order ?? [{ name: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: { id: true, code: true, name: true, city: true, country: true, _count: { select: { programmes: true, centres: true } } },
    });
    return { items, pager: p };
  }

  async getInstitution(id: number) {
    const inst = await this.db.institution.findUnique({ where: { id } });
    if (!inst) throw notFound();
    return inst;
  }

  /** The institution with its centres and one page of its programmes (each with its study years). */
  async institutionDetail(id: number, page: number) {
    const institution = await this.getInstitution(id);
    const [centres, total] = await Promise.all([
      this.db.managementCentre.findMany({
        where: { institutionId: id },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        select: { id: true, name: true, kind: true, city: true, _count: { select: { staff: true, studyYears: true } } },
      }),
      this.db.programme.count({ where: { institutionId: id } }),
    ]);
    const p = pager(page, total);
    const programmes = await this.db.programme.findMany({
      where: { institutionId: id },
      orderBy: [{ code: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: {
        id: true,
        code: true,
        name: true,
        studyYears: { orderBy: [{ level: 'asc' }, { code: 'asc' }], select: { id: true, code: true, name: true, level: true, centre: { select: { id: true, name: true } } } },
      },
    });
    return { institution, centres, programmes, pager: p };
  }

  async createInstitution(act: Act, input: InstitutionInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        const created = await tx.institution.create({ data: input });
        await audit(tx, { actorId: act.actor.id, action: 'institution.create', entityType: 'Institution', entityId: created.id, after: created, requestId: act.requestId });
        return created;
      }),
    );
  }

  async updateInstitution(act: Act, id: number, input: InstitutionInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        const before = await tx.institution.findUnique({ where: { id } });
        if (!before) throw notFound();
        const after = await tx.institution.update({ where: { id }, data: input });
        await audit(tx, { actorId: act.actor.id, action: 'institution.update', entityType: 'Institution', entityId: id, before, after, requestId: act.requestId });
        return after;
      }),
    );
  }

  // ───────────── programmes ─────────────

  async getProgramme(id: number) {
    const programme = await this.db.programme.findUnique({
      where: { id },
      include: {
        institution: { select: { id: true, code: true, name: true } },
        studyYears: { orderBy: [{ level: 'asc' }, { code: 'asc' }], include: { centre: { select: { id: true, name: true } } } },
      },
    });
    if (!programme) throw notFound();
    return programme;
  }

  async createProgramme(act: Act, institutionId: number, input: ProgrammeInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        if (!(await tx.institution.findUnique({ where: { id: institutionId }, select: { id: true } }))) throw notFound();
        const created = await tx.programme.create({ data: { ...input, institutionId } });
        await audit(tx, { actorId: act.actor.id, action: 'programme.create', entityType: 'Programme', entityId: created.id, after: created, requestId: act.requestId });
        return created;
      }),
    );
  }

  async updateProgramme(act: Act, id: number, input: ProgrammeInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        const before = await tx.programme.findUnique({ where: { id } });
        if (!before) throw notFound();
        const after = await tx.programme.update({ where: { id }, data: input });
        await audit(tx, { actorId: act.actor.id, action: 'programme.update', entityType: 'Programme', entityId: id, before, after, requestId: act.requestId });
        return after;
      }),
    );
  }

  // ───────────── study years ─────────────

  async getStudyYear(id: number) {
    const year = await this.db.studyYear.findUnique({
      where: { id },
      include: { programme: { select: { id: true, code: true, name: true, institutionId: true, institution: { select: { id: true, name: true } } } } },
    });
    if (!year) throw notFound();
    return year;
  }

  /** The centres a study year of this institution may belong to. */
  centreOptions(institutionId: number) {
    return this.db.managementCentre.findMany({ where: { institutionId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true } });
  }

  private async checkCentre(tx: Tx, centreId: number, institutionId: number) {
    const centre = await tx.managementCentre.findUnique({ where: { id: centreId }, select: { institutionId: true } });
    if (!centre || centre.institutionId !== institutionId) throw new ValidationError({ centreId: 'admin.studyYears.centreOtherInstitution' });
  }

  async createStudyYear(act: Act, programmeId: number, input: StudyYearInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        const programme = await tx.programme.findUnique({ where: { id: programmeId }, select: { institutionId: true } });
        if (!programme) throw notFound();
        await this.checkCentre(tx, input.centreId, programme.institutionId);
        const created = await tx.studyYear.create({ data: { ...input, programmeId } });
        await audit(tx, { actorId: act.actor.id, action: 'studyYear.create', entityType: 'StudyYear', entityId: created.id, after: created, requestId: act.requestId });
        return created;
      }),
    );
  }

  async updateStudyYear(act: Act, id: number, input: StudyYearInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('code', () =>
      this.db.$transaction(async (tx) => {
        const before = await tx.studyYear.findUnique({ where: { id }, include: { programme: { select: { institutionId: true } } } });
        if (!before) throw notFound();
        await this.checkCentre(tx, input.centreId, before.programme.institutionId);
        const after = await tx.studyYear.update({ where: { id }, data: input });
        const { programme: _p, ...plain } = before;
        await audit(tx, { actorId: act.actor.id, action: 'studyYear.update', entityType: 'StudyYear', entityId: id, before: plain, after, requestId: act.requestId });
        return after;
      }),
    );
  }

  // ───────────── academic years ─────────────

  async listAcademicYears(page: number) {
    const total = await this.db.academicYear.count();
    const p = pager(page, total);
    const items = await this.db.academicYear.findMany({ orderBy: [{ startDate: 'desc' }, { id: 'desc' }], skip: p.skip, take: p.size });
    return { items, pager: p };
  }

  async getAcademicYear(id: number) {
    const year = await this.db.academicYear.findUnique({ where: { id } });
    if (!year) throw notFound();
    return year;
  }

  async createAcademicYear(act: Act, input: AcademicYearInput) {
    return this.saveAcademicYear(act, null, input);
  }

  async updateAcademicYear(act: Act, id: number, input: AcademicYearInput) {
    return this.saveAcademicYear(act, id, input);
  }

  /** Only one academic year is current: marking one unmarks the others, under a lock. */
  private async saveAcademicYear(act: Act, id: number | null, input: AcademicYearInput) {
    this.requireAdmin(act.actor);
    return uniqueAs('label', () =>
      this.db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('stages.academicYear.current'))`;
        const before = id === null ? null : await tx.academicYear.findUnique({ where: { id } });
        if (id !== null && !before) throw notFound();
        let unset: number[] = [];
        if (input.isCurrent) {
          const others = await tx.academicYear.findMany({ where: { isCurrent: true, ...(id !== null ? { id: { not: id } } : {}) }, select: { id: true } });
          unset = others.map((o) => o.id);
          if (unset.length) await tx.academicYear.updateMany({ where: { id: { in: unset } }, data: { isCurrent: false } });
        }
        const after = id === null ? await tx.academicYear.create({ data: input }) : await tx.academicYear.update({ where: { id }, data: input });
        await audit(tx, {
          actorId: act.actor.id,
          action: id === null ? 'academicYear.create' : 'academicYear.update',
          entityType: 'AcademicYear',
          entityId: after.id,
          before,
          after,
          requestId: act.requestId,
        });
        for (const other of unset) {
          await audit(tx, { actorId: act.actor.id, action: 'academicYear.update', entityType: 'AcademicYear', entityId: other, before: { isCurrent: true }, after: { isCurrent: false }, requestId: act.requestId });
        }
        return after;
      }),
    );
  }

  // ───────────── management centres ─────────────

  institutionOptions() {
    return this.db.institution.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, code: true, name: true } });
  }

  /** One page of the centres, in `order` (CENTRE_SORT; by name by default). */
  async listCentres(page: number, order?: Prisma.ManagementCentreOrderByWithRelationInput[] | null) {
    const total = await this.db.managementCentre.count();
    const p = pager(page, total);
    const items = await this.db.managementCentre.findMany({
      orderBy: order ?? [{ name: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      include: { institution: { select: { id: true, code: true, name: true } } },
    });
    return { items, pager: p };
  }

  /**
   * Creates a centre. Without an explicit kind, the first centre of an institution is of kind
   * INSTITUTION and later ones UFR (the institution row is locked so two first centres cannot race).
   */
  async createCentre(act: Act, input: CentreCreateInput) {
    this.requireAdmin(act.actor);
    return this.db.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Institution" WHERE id = ${input.institutionId} FOR UPDATE`;
      if (!locked.length) throw new ValidationError({ institutionId: 'errors.field.choice' });
      const { kind, ...rest } = input;
      const existing = await tx.managementCentre.count({ where: { institutionId: input.institutionId } });
      const created = await tx.managementCentre.create({ data: { ...rest, kind: kind ?? (existing === 0 ? 'INSTITUTION' : 'UFR') } });
      await audit(tx, { actorId: act.actor.id, action: 'centre.create', entityType: 'ManagementCentre', entityId: created.id, after: created, requestId: act.requestId });
      return created;
    });
  }
}
