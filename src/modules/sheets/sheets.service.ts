import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { rightsFrom } from '../../authz/centres.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import { notFound, ValidationError } from '../../errors.js';
import type { Prisma, SheetStatus } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { todayIn } from '../../time/calendar.js';
import type { Recipient } from '../../workflow/engine.js';
import { changesSince } from './sheets.changes.js';
import type { DraftInput, SheetContent } from './sheets.fields.js';
import { prefillFrom } from './sheets.prefill.js';
import { awaitingWhere, contentOf, detailSelect, jsonOf, listSelect, recordOf, recordSelect, reviewWhere, sideOf } from './sheets.records.js';
import { checkSending, legalResultOf, type Host } from './sheets.send.js';
import { materialise } from './sheets.validate.js';
import { SHEET_WORKFLOW, type SheetAction } from './sheets.workflow.js';

/** "Sauvegarder sans envoyer" or "Sauvegarder et envoyer pour validation". */
export type SaveIntent = 'save' | 'send';

/**
 * Internship sheets: the student fills theirs (a draft as often as wanted, then sent for
 * validation), the year manager or WRITE staff of the student's centre validates it or returns it
 * with a comment (SHEET_WORKFLOW). Reach is decided here: out of reach is a 404. Every change
 * writes its audit row and its mails in one transaction (the engine's apply).
 */
export class SheetService extends Service {
  private link(id: number) {
    return `${this.baseUrl}/sheets/${id}`;
  }

  private ownProfileId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  // ───────────── lists ─────────────

  /** The student's sheets, newest first, with what comes next for each (its state). */
  async ownList(actor: Actor) {
    return this.db.internshipSheet.findMany({ where: { studentId: this.ownProfileId(actor) }, select: listSelect, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /** The manager's list: awaiting their decision ('awaiting', default) or every sheet they reach in one state. */
  async reviewList(actor: Actor, filter: 'awaiting' | SheetStatus, page: number) {
    const where: Prisma.InternshipSheetWhereInput = filter === 'awaiting' ? awaitingWhere(actor) : { AND: [reviewWhere(actor), { status: filter }] };
    const p = pager(page, await this.db.internshipSheet.count({ where }));
    const rows = await this.db.internshipSheet.findMany({ where, select: listSelect, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }], skip: p.skip, take: p.size });
    return { rows, pager: p };
  }

  /** How many sheets await the actor's decision (dashboards). */
  awaitingCount(actor: Actor) {
    return this.db.internshipSheet.count({ where: awaitingWhere(actor) });
  }

  // ───────────── one sheet ─────────────

  /** The sheet's record and how the actor sees it, or 404. `lock`: in a transaction about to change it. */
  private async reach(db: DbOrTx, actor: Actor, id: number, lock = false) {
    if (lock) await db.$queryRaw`SELECT id FROM "InternshipSheet" WHERE id = ${id} FOR UPDATE`;
    const row = await db.internshipSheet.findUnique({ where: { id }, select: recordSelect });
    const record = row && recordOf(row);
    const side = record && sideOf(actor, record);
    if (!record || !side) throw notFound();
    return { record, side };
  }

  /** The sheet's page: its fields, the changes since the last sending, the legal engine's result, the actions. */
  async detail(act: Act, id: number) {
    const { record, side } = await this.reach(this.db, act.actor, id);
    const sheet = await this.db.internshipSheet.findUniqueOrThrow({ where: { id }, select: detailSelect });
    const content = contentOf(sheet.data);
    const host = await this.hostOf(this.db, sheet.organisationId, content);
    const legal = await legalResultOf(this.db, sheet.studentId, content, host, todayIn(act.now));
    // The manager sees what changed since the sending they returned (none at a first sending).
    const changes = sheet.sentData && record.status === 'SUBMITTED' ? await this.changes(sheet.sentData, content, sheet.organisationId) : null;
    const agreement = record.status === 'VALIDATED' ? await this.db.agreement.findUnique({ where: { sheetId: id }, select: { id: true, academicYear: true, seq: true } }) : null;
    return { sheet, content, side, legal, changes, agreement, actions: SHEET_WORKFLOW.availableActions(act.actor, record) };
  }

  /** Field by field, what the sheet says now against the sending returned; the organisation by its name. */
  private async changes(sentJson: unknown, now: SheetContent, organisationId: number | null) {
    const before = (sentJson as { organisationId?: unknown }).organisationId;
    const list = changesSince(contentOf(sentJson), now);
    const beforeId = typeof before === 'number' ? before : null;
    if (beforeId !== organisationId) {
      const names = new Map((await this.db.organisation.findMany({ where: { id: { in: [beforeId, organisationId].filter((v): v is number => !!v) } }, select: { id: true, legalName: true } })).map((o) => [o.id, o.legalName]));
      list.unshift({ field: 'organisationId', before: beforeId ? (names.get(beforeId) ?? '') : '', after: organisationId ? (names.get(organisationId) ?? '') : '' });
    }
    return list;
  }

  /** The sheet as its student's form shows it, or 404 (not theirs); 422 once it may no longer be edited. */
  async forEdit(act: Act, id: number) {
    const { record } = await this.reach(this.db, act.actor, id);
    SHEET_WORKFLOW.require(act.actor, record, 'edit');
    const sheet = await this.db.internshipSheet.findUniqueOrThrow({ where: { id }, select: detailSelect });
    return { sheet, content: contentOf(sheet.data) };
  }

  /** The host as the engine needs it: the directory's organisation, or the one typed. */
  private async hostOf(db: DbOrTx, organisationId: number | null, content: SheetContent): Promise<Host> {
    if (organisationId) {
      const org = await db.organisation.findUnique({ where: { id: organisationId }, select: { country: true, siret: true } });
      if (org) return { organisationId, country: org.country, siret: org.siret };
    }
    return { organisationId: null, country: content.data.orgCountry ?? null, siret: content.data.orgSiret ?? null };
  }

  /** An organisation of the directory the student may pick (404 otherwise). */
  async organisation(organisationId: number) {
    const org = await this.db.organisation.findUnique({ where: { id: organisationId }, select: { id: true, legalName: true, siret: true, addressLine1: true, postalCode: true, city: true, country: true } });
    if (!org) throw notFound();
    return org;
  }

  // ───────────── the student ─────────────

  /** The first values of a new sheet: the default week, the euro, what the student's profile holds. */
  blank(actor: Actor) {
    return prefillFrom(this.db, this.ownProfileId(actor), null);
  }

  /** A new sheet ("Nouvelle fiche"), saved as a draft or sent at once. */
  async create(act: Act, input: DraftInput, intent: SaveIntent) {
    const studentId = this.ownProfileId(act.actor);
    return this.db.$transaction(async (tx) => {
      const organisationId = await this.checkOrganisation(tx, input.organisationId);
      const created = await tx.internshipSheet.create({ data: { studentId, organisationId, data: jsonOf(input.content), createdAt: act.now }, select: { id: true } });
      await audit(tx, { actorId: act.actor.id, action: 'sheet.create', entityType: 'InternshipSheet', entityId: created.id, after: { organisationId }, requestId: act.requestId });
      if (intent === 'send') await this.send(tx, act, created.id, input.content, organisationId);
      return created;
    });
  }

  /**
   * "Remplir ma fiche de stage" on an application marked "Satisfaite": the sheet of that internship,
   * created prefilled from the offer and the organisation, or the one that exists (one per internship).
   */
  async fromApplication(act: Act, applicationId: number): Promise<{ id: number; created: boolean }> {
    const studentId = this.ownProfileId(act.actor);
    const app = await this.db.application.findFirst({ where: { id: applicationId, studentId, status: 'ACCEPTED' }, select: { id: true, organisationId: true, offer: true, sheet: { select: { id: true } } } });
    if (!app) throw notFound();
    if (app.sheet) return { id: app.sheet.id, created: false };
    try {
      return await this.db.$transaction(async (tx) => {
        const content = await prefillFrom(tx, studentId, app.offer);
        const created = await tx.internshipSheet.create({
          data: { studentId, applicationId: app.id, organisationId: app.organisationId, data: jsonOf(content), createdAt: act.now },
          select: { id: true },
        });
        await audit(tx, { actorId: act.actor.id, action: 'sheet.create', entityType: 'InternshipSheet', entityId: created.id, after: { applicationId: app.id, organisationId: app.organisationId }, requestId: act.requestId });
        return { id: created.id, created: true };
      });
    } catch (err) {
      // Two clicks at once: the unique application lets one create it; the other opens it.
      if (!isUniqueViolation(err)) throw err;
      const sheet = await this.db.internshipSheet.findUniqueOrThrow({ where: { applicationId }, select: { id: true } });
      return { id: sheet.id, created: false };
    }
  }

  /** Saves the student's form: the fields as typed; sent when asked (every required field and the legal checks first). */
  async save(act: Act, id: number, input: DraftInput, intent: SaveIntent) {
    await this.db.$transaction(async (tx) => {
      const { record } = await this.reach(tx, act.actor, id, true);
      SHEET_WORKFLOW.require(act.actor, record, 'edit');
      const organisationId = await this.checkOrganisation(tx, input.organisationId);
      // A refused sending keeps nothing: the form is shown again with what was typed (422).
      if (intent === 'send') return this.send(tx, act, id, input.content, organisationId);
      await SHEET_WORKFLOW.apply(tx, {
        act,
        record,
        id,
        action: 'edit',
        write: () => tx.internshipSheet.update({ where: { id }, data: { data: jsonOf(input.content), organisationId } }),
        recipients: async () => [],
        mail: () => ({}),
      });
    });
  }

  private async checkOrganisation(tx: Tx, organisationId: number | null) {
    if (organisationId && !(await tx.organisation.count({ where: { id: organisationId } }))) throw new ValidationError({ organisationId: 'sheets.errors.organisation' });
    return organisationId;
  }

  /** "Sauvegarder et envoyer pour validation": the checks, the copy of what is sent, the state, the managers' mail. */
  private async send(tx: Tx, act: Act, id: number, content: SheetContent, organisationId: number | null) {
    const row = await tx.internshipSheet.findUniqueOrThrow({ where: { id }, select: { ...recordSelect, studentId: true } });
    const host = await this.hostOf(tx, organisationId, content);
    await checkSending(tx, row.studentId, content, host, todayIn(act.now));
    // sentData keeps the sending the manager returned (written at the return): they see what changed since.
    await this.move(tx, act, recordOf(row), 'submit', { data: jsonOf(content), organisationId, sentAt: act.now });
  }

  // ───────────── the manager ─────────────

  /** A workflow action of the sheet's page (validate, return), by its manager. */
  async perform(act: Act, id: number, action: SheetAction, body: unknown) {
    return this.db.$transaction(async (tx) => {
      const { record } = await this.reach(tx, act.actor, id, true);
      const transition = SHEET_WORKFLOW.require(act.actor, record, action);
      if (action === 'return') {
        const { comment } = SHEET_WORKFLOW.input<{ comment: string }>(transition, body)!;
        // The sending being returned is kept: once sent again, the manager sees what changed since.
        const sent = await tx.internshipSheet.findUniqueOrThrow({ where: { id }, select: { data: true, organisationId: true } });
        const sentData = { ...jsonOf(contentOf(sent.data)), organisationId: sent.organisationId };
        return this.move(tx, act, record, 'return', { returnComment: comment, returnedAt: act.now, sentData }, comment);
      }
      if (action !== 'validate') throw new ValidationError({ _form: 'errors.wrong_state' });
      return this.validate(tx, act, record);
    });
  }

  private async validate(tx: Tx, act: Act, record: ReturnType<typeof recordOf>) {
    const sheet = await tx.internshipSheet.findUniqueOrThrow({
      where: { id: record.id },
      select: { id: true, studentId: true, organisationId: true, data: true, application: { select: { offerId: true } }, student: { select: { userId: true } } },
    });
    const created = await materialise(tx, act, {
      id: sheet.id,
      studentId: sheet.studentId,
      organisationId: sheet.organisationId,
      offerId: sheet.application?.offerId ?? null,
      content: contentOf(sheet.data),
      student: { userId: sheet.student.userId, centreId: record.centreId },
    });
    await this.move(tx, act, record, 'validate', { organisationId: created.organisationId, validatedAt: act.now, validatedById: act.actor.id }, null, created);
    return created;
  }

  /** One transition through the workflow: the write, its audit row and its mails. */
  private async move(tx: Tx, act: Act, record: ReturnType<typeof recordOf>, action: SheetAction, data: Prisma.InternshipSheetUncheckedUpdateInput, comment: string | null = null, created: { agreementId: number; agreementNumber: string } | null = null) {
    await SHEET_WORKFLOW.apply(tx, {
      act,
      record,
      id: record.id,
      action,
      write: async (to) => {
        await tx.internshipSheet.update({ where: { id: record.id }, data: { ...data, status: to } });
        return tx.internshipSheet.findUniqueOrThrow({ where: { id: record.id }, select: { id: true, data: true, organisation: { select: { legalName: true } }, student: { select: { studyYearId: true, studyYear: { select: { centreId: true } }, user: { select: { id: true, email: true, firstName: true, lastName: true, locale: true, active: true } } } } } });
      },
      recipients: async (to, s) => {
        if (to === 'student') return s.student.user.active ? [s.student.user] : [];
        return this.managers(tx, s.student.studyYearId, s.student.studyYear?.centreId ?? null);
      },
      mail: (_template, u, s) => ({
        firstName: u.firstName,
        student: `${s.student.user.firstName} ${s.student.user.lastName}`,
        organisation: s.organisation?.legalName ?? contentOf(s.data).data.orgLegalName ?? '',
        subject: contentOf(s.data).data.subject ?? '',
        comment,
        agreement: created?.agreementNumber ?? null,
        link: this.link(record.id),
      }),
      audit: { after: () => ({ ...(comment ? { comment } : {}), ...(created ? { agreementId: created.agreementId, organisationId: (data as { organisationId?: number }).organisationId } : {}) }) },
    });
  }

  /** Who decides on a sent sheet: the year managers of the student's study year, else WRITE staff of its centre (each once). */
  private async managers(tx: Tx, studyYearId: number | null, centreId: number | null): Promise<Recipient[]> {
    const user = { select: { id: true, email: true, firstName: true, locale: true } } as const;
    const managers = studyYearId ? await tx.academicRole.findMany({ where: { kind: 'YEAR_MANAGER', studyYearId, user: { active: true } }, select: { user }, orderBy: { id: 'asc' } }) : [];
    // A year without a manager: the centre's staff who may decide are told instead.
    const staff = !managers.length && centreId ? await tx.centreStaff.findMany({ where: { centreId, right: { in: rightsFrom('WRITE') }, user: { active: true } }, select: { user }, orderBy: { id: 'asc' } }) : [];
    const seen = new Set<number>();
    return [...managers, ...staff].map((r) => r.user).filter((u) => !seen.has(u.id) && !!seen.add(u.id));
  }
}
