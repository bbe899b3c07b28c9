import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { rightsFrom } from '../../authz/centres.js';
import { activeAdministrator, confirmedMembership } from '../../authz/memberships.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import { notFound, ValidationError } from '../../errors.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import type { ApplicationStatus, OfferStatus, Prisma } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { queueEmails } from '../../mail/outbox.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { applicationForStudent, companyShown } from '../offers/offers.disclosure.js';
import { viewerOf, visibleOfferWhere } from '../offers/offers.visibility.js';
import { COMPANY_TABS, companyStatusWhere, type CompanyStatusFilter, type CompanyTab } from './applications.filters.js';
import { companyApplicationsWhere, detailInclude, fileSelect, listInclude, mailSelect, recordOf, recordSelect, schoolApplicationsWhere, sideOf } from './applications.records.js';
import { actionTo, APPLICATION_WORKFLOW, partyOf, statusChoices, type ApplicationAction, type ApplicationRecord } from './applications.workflow.js';

export interface ApplyInput {
  title: string;
  message: string;
  useProfileCv: boolean;
}

export interface ApplyFiles {
  cv?: CheckedFile | null;
  letter?: CheckedFile | null;
  others?: CheckedFile[];
}

export { COMPANY_TABS, COMPANY_STATUS_FILTERS, companyStatusWhere, type CompanyStatusFilter, type CompanyTab } from './applications.filters.js';

// The offer statuses behind the company tabs: the offers workflow's groups once it is a definition.
// The company's tabs follow the offer's life cycle, as its workflow groups the states.
const CURRENT_OFFER: OfferStatus[] = OFFER_WORKFLOW.group('current');
const PENDING_OFFER: OfferStatus[] = OFFER_WORKFLOW.group('pending');
const ARCHIVED_OFFER: OfferStatus[] = OFFER_WORKFLOW.group('ended');

/**
 * Applications: a student applies to a visible offer (once) or spontaneously to an organisation;
 * the company follows them up, the student and the school may cancel (APPLICATION_WORKFLOW).
 * Reach is decided here: an application out of the actor's reach is a 404. Every change writes
 * its event, its audit row and its e-mails in one transaction.
 */
export class ApplicationService extends Service {
  private link(id: number) {
    return `${this.baseUrl}/applications/${id}`;
  }

  private ownProfileId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  // ───────────── applying ─────────────

  /** The offer the student may apply to (visible to them now), or 404. */
  async offerFor(act: Act, offerId: number) {
    if (!act.actor.student) throw notFound();
    const offer = await this.db.offer.findFirst({
      where: { AND: [{ id: offerId }, visibleOfferWhere(await viewerOf(this.db, act.actor.student), act.now)] },
      select: { id: true, title: true, organisationId: true, authorId: true, showCompany: true, organisation: { select: { id: true, legalName: true } } },
    });
    if (!offer) throw notFound();
    return offer;
  }

  /** An organisation that has a company administrator to receive a spontaneous application, or 404. */
  async organisationFor(organisationId: number) {
    const org = await this.db.organisation.findFirst({
      where: { id: organisationId, members: { some: activeAdministrator } },
      select: { id: true, legalName: true },
    });
    if (!org) throw notFound();
    return org;
  }

  /** The student's profile CV (offered for reuse), if any. */
  async profileCv(actor: Actor) {
    const p = await this.db.studentProfile.findUnique({ where: { id: this.ownProfileId(actor) }, select: { cvFile: fileSelect } });
    return p?.cvFile ?? null;
  }

  /** The CV a new application takes: a file sent, or the profile's; field errors otherwise. */
  private async checkFiles(actor: Actor, input: ApplyInput, files: ApplyFiles): Promise<number | null> {
    const errors: Record<string, string> = {};
    let profileCvId: number | null = null;
    if (!files.cv) {
      if (input.useProfileCv) {
        profileCvId = (await this.profileCv(actor))?.id ?? null;
        if (!profileCvId) errors.cv = 'applications.errors.noProfileCv';
      } else errors.cv = 'applications.errors.cvRequired';
    }
    if (!files.letter) errors.letter = 'applications.errors.letterRequired';
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return profileCvId;
  }

  /** Applies to an offer (`offerId`) or spontaneously to an organisation (`organisationId`). */
  async apply(act: Act, target: { offerId: number } | { organisationId: number }, input: ApplyInput, files: ApplyFiles) {
    const { actor } = act;
    const studentId = this.ownProfileId(actor);
    const offer = 'offerId' in target ? await this.offerFor(act, target.offerId) : null;
    const organisation = offer ? offer.organisation : await this.organisationFor((target as { organisationId: number }).organisationId);
    const profileCvId = await this.checkFiles(actor, input, files);

    if (offer) {
      if (await this.db.application.findFirst({ where: { studentId, offerId: offer.id }, select: { id: true } })) {
        throw new ValidationError({ _form: 'applications.errors.alreadyApplied' });
      }
    } else if (await this.db.application.findFirst({ where: { studentId, offerId: null, organisationId: organisation.id, status: { in: APPLICATION_WORKFLOW.group('open') } }, select: { id: true } })) {
      throw new ValidationError({ _form: 'applications.errors.alreadySpontaneous' });
    }

    try {
      return await this.db.$transaction(async (tx) => {
        const cv = files.cv ? await storeFile(tx, files.cv, actor.id) : null;
        const letter = await storeFile(tx, files.letter!, actor.id);
        const others = [];
        for (const f of files.others ?? []) others.push(await storeFile(tx, f, actor.id));
        const created = await tx.application.create({
          data: {
            studentId,
            offerId: offer?.id ?? null,
            organisationId: organisation.id,
            title: input.title,
            message: input.message,
            cvFileId: cv?.id ?? profileCvId,
            letterFileId: letter.id,
            createdAt: act.now,
            files: { create: others.map((o) => ({ fileId: o.id })) },
            events: { create: { fromStatus: null, toStatus: 'SENT', actorId: actor.id, createdAt: act.now } },
          },
        });
        await audit(tx, {
          actorId: actor.id,
          action: offer ? 'application.create' : 'application.spontaneous',
          entityType: 'Application',
          entityId: created.id,
          after: {
            offerId: created.offerId,
            organisationId: created.organisationId,
            title: created.title,
            cv: cv ? fileSummary(cv) : { fileId: profileCvId, fromProfile: true },
            letter: fileSummary(letter),
            others: others.map(fileSummary),
          },
          requestId: act.requestId,
        });
        const recipients = await this.companyRecipients(tx, organisation.id, offer?.authorId ?? null);
        // The student keeps a receipt of what was sent, and where (a hidden company is not named: no answer yet).
        const shown = companyShown(offer);
        const receipt = { to: actor.email, locale: actor.locale, template: 'application-sent', data: { firstName: actor.firstName, offer: offer?.title ?? null, organisation: shown ? organisation.legalName : null, title: created.title, link: this.link(created.id) } };
        await queueEmails(tx, [
          receipt,
          ...recipients.map((u) => ({
            to: u.email,
            locale: u.locale,
            template: 'application-received',
            data: {
              firstName: u.firstName,
              student: `${actor.firstName} ${actor.lastName}`,
              offer: offer?.title ?? null,
              organisation: organisation.legalName,
              title: created.title,
              link: this.link(created.id),
            },
          })),
        ]);
        return created;
      });
    } catch (err) {
      // Two submissions at once: a unique index lets one through — (student, offer), or one open
      // spontaneous application per (student, organisation). The loser's files and mails were in
      // its transaction: nothing of it stays.
      if (isUniqueViolation(err)) throw new ValidationError({ _form: offer ? 'applications.errors.alreadyApplied' : 'applications.errors.alreadySpontaneous' });
      throw err;
    }
  }

  /** The student's school: WRITE staff of the centre of their study year, and its year managers (each once). */
  private async schoolRecipients(tx: Tx, centreId: number | null, studyYearId: number | null) {
    const user = { select: { id: true, email: true, firstName: true, locale: true } } as const;
    const [staff, managers] = await Promise.all([
      centreId ? tx.centreStaff.findMany({ where: { centreId, right: { in: rightsFrom('WRITE') }, user: { active: true } }, select: { user }, orderBy: { id: 'asc' } }) : [],
      studyYearId ? tx.academicRole.findMany({ where: { kind: 'YEAR_MANAGER', studyYearId, user: { active: true } }, select: { user }, orderBy: { id: 'asc' } }) : [],
    ]);
    const seen = new Set<number>();
    return [...staff, ...managers].map((r) => r.user).filter((u) => !seen.has(u.id) && !!seen.add(u.id));
  }

  /** Who hears of an application on the company side: the offer's author and the company administrators. */
  private async companyRecipients(tx: DbOrTx, organisationId: number, authorId: number | null) {
    const members = await tx.companyMembership.findMany({
      where: { organisationId, ...confirmedMembership, user: { active: true }, OR: [{ role: 'ADMIN' }, ...(authorId ? [{ userId: authorId }] : [])] },
      select: { user: { select: { id: true, email: true, firstName: true, locale: true } } },
      orderBy: { id: 'asc' },
    });
    const seen = new Set<number>();
    return members.map((m) => m.user).filter((u) => !seen.has(u.id) && !!seen.add(u.id));
  }

  // ───────────── lists ─────────────

  /** The student's own applications, newest first (with one status, when given). */
  async ownList(actor: Actor, page: number, status: ApplicationStatus | null = null) {
    const where: Prisma.ApplicationWhereInput = { studentId: this.ownProfileId(actor), ...(status ? { status } : {}) };
    const total = await this.db.application.count({ where });
    const p = pager(page, total);
    const rows = await this.db.application.findMany({ where, include: listInclude, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: p.skip, take: p.size });
    return { rows: rows.map(applicationForStudent), pager: p };
  }

  /** `status`: one status, or the company's to-do ('awaiting') or a group of the workflow ('inProgress'). */
  async companyList(actor: Actor, tab: CompanyTab, page: number, status: CompanyStatusFilter | null = null) {
    const counts = Object.fromEntries(await Promise.all(COMPANY_TABS.map(async (k) => [k, await this.companyTabCount(actor, k)] as const))) as Record<CompanyTab, number>;
    const p = pager(page, counts[tab]);
    if (tab === 'validate') {
      const offers = await this.db.offer.findMany({
        where: this.pendingOffersWhere(actor),
        select: { id: true, title: true, status: true, createdAt: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: p.skip,
        take: p.size,
      });
      return { counts, pager: p, rows: [], offers };
    }
    const where: Prisma.ApplicationWhereInput = { AND: [companyApplicationsWhere(actor), this.tabWhere(tab), companyStatusWhere(status)] };
    const filtered = status ? pager(page, await this.db.application.count({ where })) : p;
    const rows = await this.db.application.findMany({
      where,
      include: listInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: filtered.skip,
      take: filtered.size,
    });
    return { counts, pager: filtered, rows: rows.map((r) => ({ ...r, choices: statusChoices(actor, recordOf(r)) })), offers: [] };
  }

  private pendingOffersWhere(actor: Actor): Prisma.OfferWhereInput {
    const admin = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
    const contact = actor.companies.filter((c) => c.role !== 'ADMIN').map((c) => c.organisationId);
    return { status: { in: PENDING_OFFER }, OR: [{ organisationId: { in: admin } }, { organisationId: { in: contact }, authorId: actor.id }] };
  }

  private tabWhere(tab: Exclude<CompanyTab, 'validate'>): Prisma.ApplicationWhereInput {
    if (tab === 'all') return {};
    if (tab === 'spontaneous') return { offerId: null };
    return { offer: { status: { in: tab === 'current' ? CURRENT_OFFER : ARCHIVED_OFFER } } };
  }

  private companyTabCount(actor: Actor, tab: CompanyTab) {
    if (tab === 'validate') return this.db.offer.count({ where: this.pendingOffersWhere(actor) });
    return this.db.application.count({ where: { AND: [companyApplicationsWhere(actor), this.tabWhere(tab)] } });
  }

  /** `sent`: the instants of an academic year (the applications sent during it); `order`: a sort of the list's whitelist. */
  async schoolList(actor: Actor, page: number, status: ApplicationStatus | null, sent: { gte: Date; lt: Date } | null = null, order?: Prisma.ApplicationOrderByWithRelationInput[] | null) {
    const where: Prisma.ApplicationWhereInput = { AND: [schoolApplicationsWhere(actor), status ? { status } : {}, sent ? { createdAt: sent } : {}] };
    const total = await this.db.application.count({ where });
    const p = pager(page, total);
    const orderBy = order ?? [{ createdAt: 'desc' }, { id: 'desc' }];
    const rows = await this.db.application.findMany({ where, include: listInclude, orderBy, skip: p.skip, take: p.size });
    return { rows, pager: p };
  }

  // ───────────── one application ─────────────

  /**
   * The application as the workflow sees it and how the actor sees it, or 404 when out of reach.
   * `lock`: in a transaction about to change it (a change made meanwhile waits, then is seen).
   */
  private async reach(db: DbOrTx, actor: Actor, id: number, lock = false) {
    if (lock) await db.$queryRaw`SELECT id FROM "Application" WHERE id = ${id} FOR UPDATE`;
    const row = await db.application.findUnique({ where: { id }, select: recordSelect });
    const record = row && recordOf(row);
    const side = record && sideOf(actor, record);
    if (!record || !side) throw notFound();
    return { record, side };
  }

  /**
   * One application with its history, as it is: opening it changes nothing, for anyone (marking
   * it read is the company's explicit action, see the workflow).
   */
  async detail(act: Act, id: number) {
    const { side } = await this.reach(this.db, act.actor, id);
    const full = await this.db.application.findUniqueOrThrow({ where: { id }, include: detailInclude });
    const application = side === 'student' ? await this.asStudentSees(full) : { ...full, companyShown: true };
    // Once the company has accepted, it is asked whether the offer is now filled (one click, if it may fill it).
    const offer = application.offer;
    const fillOffer = application.status === 'ACCEPTED' && offer && OFFER_WORKFLOW.can(act.actor, offer, 'fill') ? offer : null;
    return { application, party: side, choices: statusChoices(act.actor, recordOf(application)), fillOffer };
  }

  /**
   * The application as its student sees it: while the offer's company is hidden and has not
   * answered (offers.disclosure.ts), neither its name nor the names of its people in the history.
   */
  private async asStudentSees(a: Prisma.ApplicationGetPayload<{ include: typeof detailInclude }>) {
    const seen = applicationForStudent(a);
    if (seen.companyShown) return seen;
    const members = await this.db.companyMembership.findMany({ where: { organisationId: a.organisationId }, select: { userId: true } });
    const company = new Set(members.map((m) => m.userId));
    return { ...seen, events: a.events.map((e) => (e.actor && company.has(e.actor.id) ? { ...e, actor: null } : e)) };
  }

  /** A file of the application (CV, letter, other document) for whoever reaches it, or 404. */
  async file(actor: Actor, id: number, fileId: number) {
    await this.reach(this.db, actor, id);
    const a = await this.db.application.findUniqueOrThrow({ where: { id }, select: { cvFileId: true, letterFileId: true, files: { where: { fileId }, select: { fileId: true } } } });
    if (a.cvFileId !== fileId && a.letterFileId !== fileId && !a.files.length) throw notFound();
    const file = await this.db.storedFile.findUnique({ where: { id: fileId }, select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } });
    if (!file) throw notFound();
    return file;
  }

  /**
   * Moves the application to the status chosen on its form: 422 when no action of a person leads
   * there or none does from the current status, 403 when the actor is not a party that may.
   */
  async changeStatus(act: Act, id: number, to: ApplicationStatus, comment: string | null) {
    await this.db.$transaction(async (tx) => {
      const { record } = await this.reach(tx, act.actor, id, true);
      const action = actionTo(to);
      if (!action) throw new ValidationError({ status: 'applications.errors.transition' });
      await this.move(tx, act, id, record, action, comment);
    });
  }

  /** One transition through the workflow: the event row, the audit row, the mails. */
  private async move(tx: Tx, act: Act, id: number, record: ApplicationRecord, action: ApplicationAction, comment: string | null) {
    await APPLICATION_WORKFLOW.apply(tx, {
      act,
      record,
      id,
      action,
      write: async (to, t) => {
        // The company has read it when it says so, or when it first answers otherwise (SENT → INTERVIEW…).
        const read = record.status === 'SENT' && partyOf(act.actor, record, t.by) === 'company';
        await tx.application.update({ where: { id }, data: { status: to, ...(read ? { readAt: act.now } : {}) } });
        await tx.applicationEvent.create({ data: { applicationId: id, fromStatus: record.status, toStatus: to, actorId: act.actor.id, comment, createdAt: act.now } });
        const a = await tx.application.findUniqueOrThrow({ where: { id }, select: mailSelect });
        return { ...a, status: to, by: partyOf(act.actor, record, t.by) ?? t.by[0] };
      },
      recipients: async (to, a) => {
        if (to === 'company') return this.companyRecipients(tx, a.organisationId, a.offer?.authorId ?? null);
        if (to === 'school') return this.schoolRecipients(tx, a.student.studyYear?.centreId ?? null, a.student.studyYearId);
        return a.student.user.active ? [a.student.user] : [];
      },
      mail: (template, u, a) => ({
        title: a.title,
        offer: a.offer?.title ?? null,
        // The student's mail names a hidden company only once it has answered (read after this change).
        organisation: template !== 'application-status' || companyShown(a.offer, a) ? a.organisation.legalName : null,
        status: a.status,
        link: this.link(id),
        comment,
        by: a.by,
        firstName: u.firstName,
        ...(template !== 'application-status' ? { student: `${a.student.user.firstName} ${a.student.user.lastName}` } : {}),
      }),
      audit: { after: (a) => ({ by: a.by, comment }) },
    });
  }
}
