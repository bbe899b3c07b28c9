// The attestation de stage (art. D124-9 of the code de l'éducation), which the host gives the
// intern at the end: the host, the intern and their course, the dates, the effective total
// duration in the law's units, the total stipend actually paid, the note on counting a paid
// internship towards pension rights, place, date and the host representative's signature.
import { writerFor } from './agreement.js';
import { addressText, datesText, durationText, personName } from './present.js';
import type { AttestationPdfInput } from './types.js';

const FRENCH_UNITS = { hoursPerDay: 7, daysPerMonth: 22 };

export async function renderAttestationPdf(input: AttestationPdfInput): Promise<Buffer> {
  const { snapshot: s, language: lang } = input;
  const w = writerFor(input, 'attTitle', 'attFooter');
  const { say, fmt } = w;
  const i = s.internship;
  const units = input.units ?? FRENCH_UNITS;
  w.title(say('attTitle'), say('attLegal'));
  w.paragraph(say('attIntro'));

  w.heading(say('attHost'));
  w.field(say('fHostName'), s.organisation.legalName);
  w.field(say('fSiret'), s.organisation.siret);
  w.field(say('fAddress'), addressText(s.organisation, lang));
  w.field(say('fRepresentative'), personName(s.signatory, lang, true));

  w.heading(say('attStudent'));
  w.field(say('fName'), personName(s.student, lang));
  w.field(say('fStudentNumber'), s.student.studentNumber);
  w.field(say('fInstitution'), s.institution.name);
  w.field(say('attCurriculum'), [s.student.programme, s.student.studyYear].filter(Boolean).join(' — '));

  w.heading(say('attInternship'));
  w.field(say('fSubject'), i.subject);
  w.field(say('fPlace'), addressText(s.place, lang));
  w.field(say('fDates'), datesText(i.startDate, i.endDate, say, fmt));
  if (s.legal) {
    const r = s.legal.result;
    const days = `${fmt.number(r.days)} ${say(fmt.plural(r.days) === 'one' ? 'unitDayOne' : 'unitDayOther')}`;
    w.field(say('attDuration'), say('attDurationValue', { duration: durationText(r, say, fmt), days }));
  }
  w.paragraph(say('attUnits', { perDay: fmt.number(units.hoursPerDay), perMonth: fmt.number(units.daysPerMonth) }), { italic: true, size: 9 });
  const currency = i.currency || s.legal?.result.stipend.currency || 'EUR';
  w.field(say('attStipend'), input.stipendPaid ? fmt.money(input.stipendPaid, currency) : say('attNoStipend'));

  w.heading(say('attPensionTitle'), 2);
  w.paragraph(say('attPension'));

  w.doc.moveDown(0.5);
  w.paragraph(say('attDone', { place: input.place || s.place.city || s.organisation.city || '', date: fmt.date(input.issuedOn ?? i.endDate) }));
  w.signatureBoxes([{ role: say('attSignatory'), name: personName(s.signatory, lang, true) || s.organisation.legalName }]);
  return w.finish();
}
