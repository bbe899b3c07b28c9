// "Documents utiles" (issue 15): files (PDF, ODT, DOCX) and links with a title, a description and
// audiences, of one centre (edited by its ADMIN staff) or of the whole platform (edited by the
// platform administrator), in the order their editors choose. A centre's "notice de saisie" is one
// of its documents (isInstructions), linked from the agreement wizard and the student's sheet.
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { centresWith, hasCentreRight } from '../../authz/centres.js';
import type { Tx } from '../../db/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { pager, PAGE_SIZE } from '../../http/pagination.js';
import { readableWhere } from './documents.reach.js';
import type { DocumentInput } from './documents.schemas.js';

/** Where a document lives: a centre's id, or null for the whole platform. */
export type Scope = number | null;

const SHOWN = {
  id: true,
  centreId: true,
  title: true,
  description: true,
  url: true,
  audiences: true,
  position: true,
  isInstructions: true,
  updatedAt: true,
  file: { select: { id: true, originalName: true, extension: true, size: true } },
  centre: { select: { id: true, name: true } },
} satisfies Prisma.UsefulDocumentSelect;
export type ShownDocument = Prisma.UsefulDocumentGetPayload<{ select: typeof SHOWN }>;

const ORDER: Prisma.UsefulDocumentOrderByWithRelationInput[] = [{ position: 'asc' }, { id: 'asc' }];

/** What an audit row says of a document (its file by its summary, never its bytes). */
function summary(d: { title: string; description: string | null; url: string | null; fileId: number | null; audiences: string[]; position: number; isInstructions: boolean }) {
  return { title: d.title, description: d.description, url: d.url, fileId: d.fileId, audiences: d.audiences, position: d.position, isInstructions: d.isInstructions };
}

export class UsefulDocumentService extends Service {
  // ───────────── reading ─────────────

  /**
   * A page of the documents the actor reads: the platform's first, then each centre's (by the
   * centre's name), each in its editors' order. The page cuts the whole list: platform documents
   * take its first places, the centres' the rest.
   */
  async readable(actor: Actor, page: number) {
    const where = await readableWhere(this.db, actor);
    const platformWhere = { AND: [where, { centreId: null }] };
    const centreWhere = { AND: [where, { centreId: { not: null } }] };
    const [platformCount, centreCount] = await Promise.all([this.db.usefulDocument.count({ where: platformWhere }), this.db.usefulDocument.count({ where: centreWhere })]);
    const p = pager(page, platformCount + centreCount, PAGE_SIZE);
    const platformTake = Math.max(0, Math.min(p.size, platformCount - p.skip));
    const [platform, centres] = await Promise.all([
      platformTake ? this.db.usefulDocument.findMany({ where: platformWhere, select: SHOWN, orderBy: ORDER, skip: p.skip, take: platformTake }) : [],
      p.size - platformTake
        ? this.db.usefulDocument.findMany({ where: centreWhere, select: SHOWN, orderBy: [{ centre: { name: 'asc' } }, { centreId: 'asc' }, ...ORDER], skip: Math.max(0, p.skip - platformCount), take: p.size - platformTake })
        : [],
    ]);
    const groups: { centre: { id: number; name: string } | null; documents: ShownDocument[] }[] = platform.length ? [{ centre: null, documents: platform }] : [];
    for (const d of centres) {
      const last = groups[groups.length - 1];
      if (last?.centre?.id === d.centreId) last.documents.push(d);
      else groups.push({ centre: d.centre, documents: [d] });
    }
    return { groups, pager: p };
  }

  /** A document's file, when the actor reads that document (otherwise, or for a link: 404). */
  async file(actor: Actor, id: number) {
    const doc = await this.db.usefulDocument.findFirst({
      where: { AND: [{ id, fileId: { not: null } }, await readableWhere(this.db, actor)] },
      select: { file: { select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } } },
    });
    if (!doc?.file) throw notFound();
    return doc.file;
  }

  /** The centre's notice de saisie when the actor reads it; without a centre, the student's own centre's. */
  async instructionsFor(actor: Actor, centreId?: number | null): Promise<ShownDocument | null> {
    let id = centreId ?? null;
    if (id === null && actor.student?.studyYearId) {
      id = (await this.db.studyYear.findUnique({ where: { id: actor.student.studyYearId }, select: { centreId: true } }))?.centreId ?? null;
    }
    if (id === null) return null;
    return this.db.usefulDocument.findFirst({ where: { AND: [{ centreId: id, isInstructions: true }, await readableWhere(this.db, actor)] }, select: SHOWN });
  }

  // ───────────── managing ─────────────

  /** The platform's documents: its administrator only. A centre's: its ADMIN staff (another centre: 404; a lesser right: 403). */
  private check(actor: Actor, scope: Scope) {
    if (scope === null) {
      if (!actor.isPlatformAdmin) throw notFound();
      return;
    }
    if (!hasCentreRight(actor, scope, 'READ')) throw notFound();
    if (!hasCentreRight(actor, scope, 'ADMIN')) throw forbidden();
  }

  /** The centres whose documents the actor edits through their own ADMIN rights (the platform administrator reaches the others from the centre's page). */
  administeredCentres(actor: Actor) {
    const ids = centresWith(actor, 'ADMIN');
    if (!ids.length) return Promise.resolve([]);
    return this.db.managementCentre.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, _count: { select: { usefulDocuments: true } } }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  /** The centre whose documents the actor edits (null: the platform's). */
  async place(actor: Actor, scope: Scope) {
    this.check(actor, scope);
    if (scope === null) return null;
    const centre = await this.db.managementCentre.findUnique({ where: { id: scope }, select: { id: true, name: true } });
    if (!centre) throw notFound();
    return centre;
  }

  /** A page of one scope's documents, for its editors; the centre (null for the platform). */
  async list(actor: Actor, scope: Scope, page: number) {
    const centre = await this.place(actor, scope);
    const total = await this.db.usefulDocument.count({ where: { centreId: scope } });
    const p = pager(page, total, PAGE_SIZE);
    const documents = await this.db.usefulDocument.findMany({ where: { centreId: scope }, select: SHOWN, orderBy: ORDER, skip: p.skip, take: p.size });
    return { centre, documents, pager: p };
  }

  /** One document of a scope, for its edit form. */
  async one(actor: Actor, scope: Scope, id: number) {
    this.check(actor, scope);
    const doc = await this.db.usefulDocument.findFirst({ where: { id, centreId: scope }, select: SHOWN });
    if (!doc) throw notFound();
    return doc;
  }

  async create(act: Act, scope: Scope, input: DocumentInput, file: CheckedFile | null) {
    this.check(act.actor, scope);
    sourceCheck(input, file, false);
    return this.db.$transaction(async (tx) => {
      await this.lock(tx, scope);
      const stored = file ? await storeFile(tx, file, act.actor.id) : null;
      const last = await tx.usefulDocument.aggregate({ where: { centreId: scope }, _max: { position: true } });
      const row = await tx.usefulDocument.create({
        data: { centreId: scope, title: input.title, description: input.description, audiences: input.audiences, url: stored ? null : input.url, fileId: stored?.id ?? null, position: (last._max.position ?? -1) + 1, createdById: act.actor.id, createdAt: act.now },
      });
      await audit(tx, { actorId: act.actor.id, action: 'usefulDocument.create', entityType: 'UsefulDocument', entityId: row.id, after: { centreId: scope, ...summary(row), file: stored ? fileSummary(stored) : undefined }, requestId: act.requestId });
      return row;
    });
  }

  /** Title, description, audiences; a new link or a new file replaces the other (a file document posted with neither keeps its file). */
  async update(act: Act, scope: Scope, id: number, input: DocumentInput, file: CheckedFile | null) {
    this.check(act.actor, scope);
    return this.db.$transaction(async (tx) => {
      const before = await this.locked(tx, scope, id);
      sourceCheck(input, file, !!before.fileId);
      const stored = file ? await storeFile(tx, file, act.actor.id) : null;
      const source = stored ? { url: null, fileId: stored.id } : input.url ? { url: input.url, fileId: null } : {};
      const after = await tx.usefulDocument.update({ where: { id }, data: { title: input.title, description: input.description, audiences: input.audiences, ...source } });
      await audit(tx, { actorId: act.actor.id, action: 'usefulDocument.update', entityType: 'UsefulDocument', entityId: id, before: summary(before), after: { ...summary(after), file: stored ? fileSummary(stored) : undefined }, requestId: act.requestId });
      return after;
    });
  }

  /** Deletes the document; its file, linked to nothing any more, goes with the orphan files' purge (src/files/purge.ts). */
  async remove(act: Act, scope: Scope, id: number) {
    this.check(act.actor, scope);
    await this.db.$transaction(async (tx) => {
      const before = await this.locked(tx, scope, id);
      await tx.usefulDocument.delete({ where: { id } });
      await audit(tx, { actorId: act.actor.id, action: 'usefulDocument.delete', entityType: 'UsefulDocument', entityId: id, before: { centreId: scope, ...summary(before) }, requestId: act.requestId });
    });
  }

  /** One place up or down: the scope renumbered 0…n-1 in its order (positions may tie, e.g. after the migration), the two neighbours swapped. */
  async move(act: Act, scope: Scope, id: number, direction: 'up' | 'down') {
    this.check(act.actor, scope);
    await this.db.$transaction(async (tx) => {
      await this.locked(tx, scope, id);
      const ids = (await tx.usefulDocument.findMany({ where: { centreId: scope }, select: { id: true }, orderBy: ORDER })).map((d) => d.id);
      const from = ids.indexOf(id);
      const to = direction === 'up' ? from - 1 : from + 1;
      if (to < 0 || to >= ids.length) throw new ValidationError({ _form: 'usefulDocuments.errors.cannotMove' });
      [ids[from], ids[to]] = [ids[to], ids[from]];
      const positions = ids.map((_, i) => i);
      await tx.$executeRaw`UPDATE "UsefulDocument" d SET position = x.pos FROM unnest(${ids}::int[], ${positions}::int[]) AS x(id, pos) WHERE d.id = x.id AND d.position <> x.pos`;
      await audit(tx, { actorId: act.actor.id, action: 'usefulDocument.move', entityType: 'UsefulDocument', entityId: id, before: { position: from }, after: { position: to, direction }, requestId: act.requestId });
    });
  }

  /** Makes the document its centre's notice de saisie (the previous one is one no more), or stops it being one. */
  async markInstructions(act: Act, centreId: number, id: number, mark: boolean) {
    this.check(act.actor, centreId);
    await this.db.$transaction(async (tx) => {
      const before = await this.locked(tx, centreId, id);
      const previous = mark ? await tx.usefulDocument.findFirst({ where: { centreId, isInstructions: true, id: { not: id } }, select: { id: true } }) : null;
      if (previous) await tx.usefulDocument.update({ where: { id: previous.id }, data: { isInstructions: false } });
      await tx.usefulDocument.update({ where: { id }, data: { isInstructions: mark } });
      await audit(tx, { actorId: act.actor.id, action: 'usefulDocument.instructions', entityType: 'UsefulDocument', entityId: id, before: { isInstructions: before.isInstructions, previousId: previous?.id ?? null }, after: { centreId, isInstructions: mark }, requestId: act.requestId });
    });
  }

  /**
   * Serialises the changes of one scope (positions, the one notice de saisie of a centre): the
   * centre's row, or an advisory lock for the platform's documents.
   */
  private async lock(tx: Tx, scope: Scope) {
    if (scope === null) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('stages.usefulDocuments.platform'))`;
      return;
    }
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "ManagementCentre" WHERE id = ${scope} FOR UPDATE`;
    if (!rows.length) throw notFound();
  }

  /** The scope locked, then the document of that scope (another scope's, or none: 404). */
  private async locked(tx: Tx, scope: Scope, id: number) {
    await this.lock(tx, scope);
    const doc = await tx.usefulDocument.findFirst({ where: { id, centreId: scope } });
    if (!doc) throw notFound();
    return doc;
  }
}

/** Exactly one of a link and a file: both refused; neither refused unless the document already has its file. */
function sourceCheck(input: DocumentInput, file: CheckedFile | null, hasFile: boolean) {
  if (input.url && file) throw new ValidationError({ url: 'usefulDocuments.errors.both' });
  if (!input.url && !file && !hasFile) throw new ValidationError({ url: 'usefulDocuments.errors.neither' });
}
