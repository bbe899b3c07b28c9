// The private calendar feed (issue 14): an iCalendar file at a secret URL the user can renew, listing
// the label's steps due for them — in each internship they take part in as its student, its company
// tutor or its academic tutor — with their due days. The secret is shown once (only its hash is kept).
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import { translate, isLocale } from '../../i18n/index.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { factsOf, stepStates, type StepActor } from './label.steps.js';

/** At most this many internships in a feed (the current and coming ones, then the latest ended). */
const FEED_INTERNSHIPS = 200;

const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const icsDay = (d: CalendarDate) => d.toString().replace(/-/g, '');
const icsStamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** RFC 5545 lines: CRLF, folded at 75 octets (continuations start with a space). */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + (parts.length ? 74 : 75), bytes.length);
    // Never cut a UTF-8 character: back up to its first byte.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  return parts.join('\r\n ');
}

export class CalendarService extends Service {
  /** Whether the user has a feed (its URL was shown when made). */
  async has(userId: number): Promise<boolean> {
    return !!(await this.db.user.findFirst({ where: { id: userId, calendarTokenHash: { not: null } }, select: { id: true } }));
  }

  /** A new secret URL (the former one stops working), to show once. */
  async renew(act: Act): Promise<string> {
    const { token, hash } = newToken();
    await this.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: act.actor.id }, data: { calendarTokenHash: hash } });
      await audit(tx, { actorId: act.actor.id, action: 'calendar.renew', entityType: 'User', entityId: act.actor.id, requestId: act.requestId });
    });
    return `${this.baseUrl}/calendar/${token}.ics`;
  }

  /** The feed of the secret's owner (null: no such secret, or the account is closed). */
  async feed(token: string, now: Date): Promise<string | null> {
    const user = await this.db.user.findFirst({ where: { calendarTokenHash: hashToken(token), active: true }, select: { id: true, locale: true, studentProfile: { select: { id: true } } } });
    if (!user) return null;
    const locale = isLocale(user.locale) ? user.locale : 'fr';
    const t = (k: string, p?: Record<string, string>) => translate(locale, k, p);
    const today = todayIn(now);
    const agreements = await this.db.agreement.findMany({
      where: { status: 'VALIDATED', OR: [{ studentId: user.studentProfile?.id ?? -1 }, { academicTutorId: user.id }, { companyTutor: { userId: user.id } }] },
      orderBy: [{ endDate: 'desc' }, { id: 'desc' }],
      take: FEED_INTERNSHIPS,
      select: { id: true, academicYear: true, seq: true, sheetId: true, validatedAt: true, status: true, programmeId: true, organisationId: true, startDate: true, endDate: true, schedule: true, interruptions: true, holidaysCountry: true, studentId: true, academicTutorId: true, companyTutor: { select: { userId: true } }, student: { select: { user: { select: { firstName: true, lastName: true } } } } },
    });
    const facts = await factsOf(this.db, agreements);
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Stages//Suivi des stages//FR', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${icsText(t('followup.calendar.name'))}`];
    for (const a of agreements) {
      const mine: StepActor[] = [];
      if (a.studentId === user.studentProfile?.id) mine.push('student');
      if (a.academicTutorId === user.id) mine.push('academicTutor');
      if (a.companyTutor?.userId === user.id) mine.push('companyTutor');
      const who = `${a.student.user.firstName} ${a.student.user.lastName}`;
      for (const s of stepStates(facts.get(a.id)!, today).steps) {
        if (!mine.includes(s.actor) || s.state === 'done' || !s.dueOn) continue;
        lines.push('BEGIN:VEVENT', `UID:step-${a.id}-${s.code}@stages`, `DTSTAMP:${icsStamp(now)}`, `DTSTART;VALUE=DATE:${icsDay(s.dueOn)}`, `DTEND;VALUE=DATE:${icsDay(s.dueOn.addDays(1))}`,
          `SUMMARY:${icsText(`${t(`followup.steps.code.${s.code}`)} — ${who}`)}`,
          `DESCRIPTION:${icsText(t('followup.calendar.event', { number: agreementNumber(a), state: t(`followup.steps.states.${s.state}`) }))}`,
          `URL:${this.baseUrl}/agreements/${a.id}/follow-up#${s.anchor}`, 'END:VEVENT');
      }
    }
    lines.push('END:VCALENDAR');
    return lines.map(fold).join('\r\n') + '\r\n';
  }
}
