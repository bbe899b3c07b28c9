import { AgreementService } from './modules/agreements/agreements.service.js';
import { EvaluationService } from './modules/evaluations/evaluations.service.js';
import { EvaluationLinkService } from './modules/evaluations/evaluations.links.js';
import { EvaluationStatsService } from './modules/evaluations/evaluations.stats.js';
import { FormEditorService } from './modules/evaluations/forms.editor.js';
import { CalendarService } from './modules/followup/followup.calendar.js';
import { FollowupListService } from './modules/followup/followup.lists.js';
import { ReminderService } from './modules/followup/reminders.js';
import { FeedbackService } from './modules/followup/feedback.service.js';
import { DefenceService } from './modules/followup/defence.service.js';
import { MidtermService } from './modules/followup/midterm.service.js';
import { JournalService } from './modules/followup/journal.service.js';
import { LabelEnrolmentService } from './modules/followup/label.enrolment.js';
import { LabelAwardService } from './modules/label/award.service.js';
import { HistoryService } from './modules/privacy/history.service.js';
import { SsoService } from './modules/sso/sso.service.js';
import { HelpdeskService } from './modules/helpdesk/helpdesk.service.js';
import { AmendmentService } from './modules/amendments/amendments.service.js';
import { AttestationLinkService } from './modules/agreements/agreements.attestation-link.js';
import { AttestationService } from './modules/agreements/agreements.attestation.js';
import { SignatureLinkService } from './modules/signatures/signatures.links.js';
import { SignatureService } from './modules/signatures/signatures.service.js';
import { AgreementSettingsService } from './modules/agreements/agreements.settings.js';
import { AgreementWizardService } from './modules/agreements/wizard/wizard.service.js';
import { UsefulDocumentService } from './modules/useful-documents/documents.service.js';
import type { ServiceDeps } from './act.js';
import { AuthService } from './auth/auth.service.js';
import type { Config } from './config/index.js';
import type { Db } from './db/client.js';
import { ApplicationService } from './modules/applications/applications.service.js';
import { SheetService } from './modules/sheets/sheets.service.js';
import { CompanyService } from './modules/companies/companies.service.js';
import { RegistrationService } from './modules/companies/registration.service.js';
import { DashboardService } from './modules/dashboard/dashboard.service.js';
import { CentreService } from './modules/institutions/centres.service.js';
import { ReferenceService } from './modules/institutions/institutions.service.js';
import { LegalParameterService } from './modules/legal/parameters.service.js';
import { OfferService } from './modules/offers/offers.service.js';
import { ClaimService } from './modules/organisations/claims.service.js';
import { OrganisationService } from './modules/organisations/organisations.service.js';
import { ServiceContactService } from './modules/organisations/services-contacts.service.js';
import { CvBookService } from './modules/requests/cvbook.service.js';
import { MatchingService } from './modules/requests/matching.js';
import { RequestsService } from './modules/requests/requests.service.js';
import { StudentService } from './modules/students/students.service.js';
import { UserAdminService } from './modules/users/users.service.js';
import { StatisticsService } from './modules/statistics/statistics.service.js';
import { PrivacyService } from './modules/privacy/privacy.service.js';
import { systemClock, type Clock } from './time/clock.js';

/** What the app is started with: the configuration, the database, and (tests) a clock of their own. */
export interface AppDeps {
  config: Config;
  db: Db;
  databaseUrl: string;
  clock?: Clock;
}

/** Every domain service, built once per app and shared by the routes and the jobs. */
export function buildServices(deps: ServiceDeps & { sessionSecret: string }) {
  // The agreement's transitions open and void the signature phase; the signatures complete it.
  const agreements = new AgreementService(deps);
  const signatures = new SignatureService(deps, agreements);
  agreements.phase = signatures;
  const attestations = new AttestationService(deps, agreements);
  const label = new LabelEnrolmentService(deps, agreements);
  const journal = new JournalService(deps, agreements, label);
  // Amendments are signed the same way: each side knows the other.
  const amendments = new AmendmentService(deps, agreements);
  amendments.phase = signatures;
  signatures.amendments = amendments;
  const evaluations = new EvaluationService(deps, agreements, journal);
  return {
    auth: new AuthService(deps, { secret: deps.sessionSecret }),
    references: new ReferenceService(deps),
    centres: new CentreService(deps),
    organisations: new OrganisationService(deps),
    servicesContacts: new ServiceContactService(deps),
    claims: new ClaimService(deps),
    companies: new CompanyService(deps),
    registration: new RegistrationService(deps),
    students: new StudentService(deps),
    offers: new OfferService(deps),
    requests: new RequestsService(deps),
    cvbook: new CvBookService(deps),
    matching: new MatchingService(deps),
    applications: new ApplicationService(deps),
    sheets: new SheetService(deps),
    dashboard: new DashboardService(deps),
    users: new UserAdminService(deps),
    legalParameters: new LegalParameterService(deps),
    agreements,
    signatures,
    amendments,
    label,
    journal,
    midterm: new MidtermService(deps, agreements, journal),
    feedback: new FeedbackService(deps, agreements, journal),
    defence: new DefenceService(deps, agreements),
    calendar: new CalendarService(deps),
    labelAward: new LabelAwardService(deps, agreements),
    evaluations,
    evaluationLinks: new EvaluationLinkService(deps, evaluations),
    evaluationStats: new EvaluationStatsService(deps),
    evaluationForms: new FormEditorService(deps),
    followupLists: new FollowupListService(deps),
    reminders: new ReminderService(deps),
    attestations,
    attestationLinks: new AttestationLinkService(deps, agreements, attestations),
    signatureLinks: new SignatureLinkService(deps, signatures),
    agreementSettings: new AgreementSettingsService(deps),
    agreementWizard: new AgreementWizardService(deps),
    statistics: new StatisticsService(deps),
    history: new HistoryService(deps),
    privacy: new PrivacyService(deps),
    sso: new SsoService(deps),
    usefulDocuments: new UsefulDocumentService(deps),
    helpdesk: new HelpdeskService(deps),
  };
}

export type Services = ReturnType<typeof buildServices>;

/** The app context: what routers and jobs are given. */
export interface Ctx {
  config: Config;
  db: Db;
  databaseUrl: string;
  clock: Clock;
  services: Services;
}

export function createContext(deps: AppDeps): Ctx {
  const clock = deps.clock ?? systemClock;
  const services = buildServices({ db: deps.db, baseUrl: deps.config.baseUrl, clock, sessionSecret: deps.config.SESSION_SECRET });
  return { config: deps.config, db: deps.db, databaseUrl: deps.databaseUrl, clock, services };
}
