import type { ApplicationStatus } from '../../generated/prisma/client.js';

/** Who acts on an application: its student, the receiving company, the student's school. */
export type Party = 'student' | 'company' | 'school';

export interface Transition {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  /** Who may make the change. */
  by: readonly Party[];
  /** Who is told by e-mail (the student is told of every change). */
  notify: readonly Party[];
  /** Made by the application itself (the company's first opening), never offered in a form. */
  automatic?: true;
}

/**
 * SENT ("En cours") → READ ("Lue", when the company first opens it) → INTERVIEW ("Rendez-vous")
 * → ACCEPTED ("Satisfaite") | CANCELLED ("Annulée": by the student, the company or the school).
 * ACCEPTED and CANCELLED are final.
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: ['SENT'], to: 'READ', by: ['company'], notify: ['student'], automatic: true },
  { from: ['SENT', 'READ'], to: 'INTERVIEW', by: ['company'], notify: ['student'] },
  { from: ['SENT', 'READ', 'INTERVIEW'], to: 'ACCEPTED', by: ['company'], notify: ['student'] },
  { from: ['SENT', 'READ', 'INTERVIEW'], to: 'CANCELLED', by: ['student', 'company', 'school'], notify: ['student', 'company'] },
];

export const STATUSES: readonly ApplicationStatus[] = ['SENT', 'READ', 'INTERVIEW', 'ACCEPTED', 'CANCELLED'];

export function transitionFor(from: ApplicationStatus, to: ApplicationStatus): Transition | null {
  return TRANSITIONS.find((t) => t.to === to && t.from.includes(from)) ?? null;
}

/** The statuses `party` may choose from `from` (the automatic ones excluded). */
export function choicesFor(from: ApplicationStatus, party: Party): ApplicationStatus[] {
  return TRANSITIONS.filter((t) => !t.automatic && t.from.includes(from) && t.by.includes(party)).map((t) => t.to);
}

/** Is the application still open (not accepted nor cancelled)? */
export function isOpen(status: ApplicationStatus): boolean {
  return TRANSITIONS.some((t) => t.from.includes(status));
}
