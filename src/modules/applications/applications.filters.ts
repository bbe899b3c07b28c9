import type { ApplicationStatus, Prisma } from '../../generated/prisma/client.js';
import { APPLICATION_WORKFLOW } from './applications.workflow.js';

// The company's list of applications ("Consulter les réponses à mes offres"): its tabs and its status filter.

export const COMPANY_TABS = ['current', 'validate', 'spontaneous', 'archived', 'all'] as const;
export type CompanyTab = (typeof COMPANY_TABS)[number];

/** The company list's status filter: a status, what awaits the company (the workflow's to-do), or the group read but undecided. */
export const COMPANY_STATUS_FILTERS = [...APPLICATION_WORKFLOW.states, 'awaiting', 'inProgress'] as const;
export type CompanyStatusFilter = ApplicationStatus | 'awaiting' | 'inProgress';

export function companyStatusWhere(status: CompanyStatusFilter | null): Prisma.ApplicationWhereInput {
  if (!status) return {};
  if (status === 'awaiting') return { status: { in: APPLICATION_WORKFLOW.awaitingStates('company') } };
  if (status === 'inProgress') return { status: { in: APPLICATION_WORKFLOW.group('inProgress') } };
  return { status };
}
