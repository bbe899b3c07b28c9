import { Service, type Act } from '../../act.js';
import { institutionCountryOf, type Actor } from '../../authz/actor.js';
import { forbidden, notFound } from '../../errors.js';
import { todayIn } from '../../time/calendar.js';
import type { BrowseInput } from './offers.schemas.js';
import { browseOffers } from './offers.search.js';
import { answeredEvents, offerForStudent } from './offers.disclosure.js';
import { detailInclude, reachWhere } from './offers.reach.js';
import { viewerOf, visibleOfferSql, visibleOfferWhere, type Viewer } from './offers.visibility.js';

/**
 * What students see of the offers: the list and the detail of the offers visible to them now
 * (offers.visibility.ts: the act's `now` decides what is inside its diffusion period), the
 * visits, and the attached file of a short-form offer.
 */
export class OfferStudents extends Service {
  /**
   * The student as the visibility rule needs them (their institution's country: read with the
   * actor when it was loaded for the request, a query otherwise).
   */
  private async viewer(actor: Actor): Promise<Viewer> {
    if (!actor.student) throw forbidden();
    const country = institutionCountryOf(actor);
    return country === undefined ? viewerOf(this.db, actor.student) : { ...actor.student, country };
  }

  /** The student's list: visible offers only, filtered, best keyword match then newest first. */
  async browse(act: Act, input: BrowseInput, page: number) {
    return browseOffers(this.db, visibleOfferSql(await this.viewer(act.actor), act.now), input, page);
  }

  /** One visible offer (404 otherwise); the visit is counted once per student per (Paris) day. */
  async show(act: Act, id: number) {
    const scope = visibleOfferWhere(await this.viewer(act.actor), act.now);
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, scope] }, include: detailInclude });
    if (!offer) throw notFound();
    const studentId = act.actor.student!.profileId;
    // The visit and the student's own application (said on the page, before the student fills a
    // form that would be refused) at once: neither depends on the other.
    const [, ownApplication] = await Promise.all([
      this.countVisit(id, studentId, act.now),
      this.db.application.findFirst({ where: { studentId, offerId: id }, select: { id: true, status: true, createdAt: true, events: answeredEvents } }),
    ]);
    // A hidden company is named only once it has answered this student (offers.disclosure.ts).
    return { ...offerForStudent(offer, ownApplication), ownApplication };
  }

  /**
   * The attached file of a short-form offer, for a student who may see the offer or for someone
   * who manages it; anything else is a 404.
   */
  async attachment(act: Act, id: number, as: 'student' | 'manager') {
    const scope = as === 'student' ? visibleOfferWhere(await this.viewer(act.actor), act.now) : reachWhere(act.actor);
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, scope] }, select: { attachmentFile: true } });
    if (!offer?.attachmentFile) throw notFound();
    return offer.attachmentFile;
  }

  /**
   * One OfferVisit row per student per day; the counter moves only when the row is new. One
   * statement (atomic by itself: one round trip instead of a transaction's four); a visit is not
   * a change of the offer, so its updatedAt stays.
   */
  private async countVisit(offerId: number, studentId: number, now: Date) {
    const day = todayIn(now).toString();
    await this.db.$executeRaw`
      WITH visit AS (INSERT INTO "OfferVisit" ("offerId", "studentId", "day") VALUES (${offerId}, ${studentId}, ${day}::date) ON CONFLICT DO NOTHING RETURNING 1)
      UPDATE "Offer" SET visits = visits + 1 WHERE id = ${offerId} AND EXISTS (SELECT 1 FROM visit)`;
  }
}
