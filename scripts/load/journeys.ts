// The virtual users: one signed-in person (or an anonymous visitor) each, going through their
// journey again and again as autocannon asks for the next request (scripts/load/run.ts wires a
// VirtualUser to each autocannon connection). A step is one HTTP request: its page kind (the rows
// of the report), what it sends, and what a success is (a page: 200; a form sent: 303, the
// redirect the route answers, which the next step then follows as a browser does).
import { csrfOf, formFields, Jar, linkIds, multipart, radioGroups, urlencoded } from './html.js';

export const KINDS = ['home', 'simulator', 'offer search', 'offer page', 'apply', 'sheet', 'journal', 'applications list', 'application status', 'evaluation', 'report ack', 'agreement search', 'agreement page', 'validate', 'export', 'PDF'] as const;
export type Kind = (typeof KINDS)[number];
export type Role = 'anonymous' | 'student' | 'company' | 'tutor' | 'staff';

export interface Request {
  kind: Kind;
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer | string;
  contentType?: string;
  /** What success is (default: 200 for a GET, 303 for a POST). */
  expect?: number;
}
interface Step extends Request {
  /** Reads the answer (links, tokens); may queue the steps that follow from it. */
  then?: (body: string, headers: Record<string, string | string[]>) => void;
}

export interface Failure {
  kind: Kind;
  method: string;
  path: string;
  status: number;
  excerpt: string;
}

/** What a virtual user works on (scripts/load/world.ts `readPools`, split between the users). */
export interface Assignment {
  role: Role;
  email?: string;
  /** Student: the draft sheet and the internship under way (its first and last day). */
  sheetId?: number;
  internship?: { id: number; start: string; end: string };
  /** Company: applications SENT to its offers; its interns' internships (the evaluation). Tutor: their interns' internships (the report). Staff: agreements to validate. */
  queue?: number[];
  evaluations?: number[];
}

const WORDS = ['developpeur', 'donnees', 'marketing', 'ingenieur', 'analyste', 'web', 'comptable', 'logistique', 'qualite', 'cloud', 'securite', 'juriste'];
const PLACES = ['', '69', '75', 'lyon', 'paris', '63', 'nantes', ''];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];

/** Today and a day N days away, as the simulator's form sends them (yyyy-mm-dd). */
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export class VirtualUser {
  readonly jar = new Jar();
  private csrf: string | null = null;
  private steps: Step[] = [];
  private current: Step | null = null;
  private applied = new Set<number>();
  private offers: number[] = [];
  private cycle = 0;
  failures: Failure[] = [];

  constructor(readonly a: Assignment, private readonly pdf: Buffer) {}

  /** Taken over from the sign-in made beforehand (its cookies and the token of its session). */
  signedIn(cookies: string, csrf: string) {
    for (const c of cookies.split('; ')) this.jar.keep(c);
    this.csrf = csrf;
  }

  /** The next request to send. */
  next(): Request {
    if (!this.steps.length) this.plan();
    this.current = this.steps.shift()!;
    return this.current;
  }

  /** The kind of the request in flight (for the latency of its answer). */
  get kind(): Kind {
    return this.current!.kind;
  }

  /** The answer to the request in flight: success or not, and what the page says for the next steps. */
  answer(status: number, body: string, headers: Record<string, string | string[]>): boolean {
    const s = this.current!;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    this.jar.keep(lower['set-cookie']);
    const ok = status === (s.expect ?? (s.method === 'GET' ? 200 : 303));
    if (!ok) {
      if (this.failures.length < 5) this.failures.push({ kind: s.kind, method: s.method, path: s.path, status, excerpt: excerpt(body) });
      // The rest of this round relied on this answer: start the next one.
      this.steps = [];
      return false;
    }
    if (typeof body === 'string' && status === 200 && /text\/html/.test(String(lower['content-type'] ?? ''))) this.csrf = csrfOf(body) ?? this.csrf;
    const location = lower.location;
    try {
      s.then?.(body, lower);
    } catch (err) {
      // The page lacked what the journey reads (a form, a link): a failure of that page.
      if (this.failures.length < 5) this.failures.push({ kind: s.kind, method: s.method, path: s.path, status, excerpt: (err as Error).message });
      this.steps = [];
      return false;
    }
    // After a form, the browser opens the page it was sent to (counted with the form's kind).
    if (status === 303 && typeof location === 'string' && !s.then) this.steps.unshift({ kind: s.kind, method: 'GET', path: location.replace(/^https?:\/\/[^/]+/, '') });
    return true;
  }

  private get(kind: Kind, path: string, then?: Step['then'], expect?: number): Step {
    return { kind, method: 'GET', path, then, expect };
  }
  private post(kind: Kind, path: string, pairs: [string, string][]): Step {
    return { kind, method: 'POST', path, body: urlencoded([['_csrf', this.csrf ?? ''], ...pairs.filter(([k]) => k !== '_csrf')]), contentType: 'application/x-www-form-urlencoded' };
  }

  /** One round of the role's journey. */
  private plan() {
    this.cycle++;
    const plan = { anonymous: () => this.anonymous(), student: () => this.student(), company: () => this.company(), tutor: () => this.tutor(), staff: () => this.staff() }[this.a.role];
    plan();
  }

  private anonymous() {
    const start = isoDay(20 + Math.floor(Math.random() * 60));
    const months = 2 + Math.floor(Math.random() * 5);
    const end = isoDay(20 + months * 30);
    this.steps.push(
      this.get('home', '/'),
      this.get('simulator', '/tools/stipend'),
      this.get('simulator', `/tools/stipend?start=${start}&end=${end}&mon=7&tue=7&wed=7&thu=7&fri=7&sat=0&sun=0&country=FR&holidays=FR&signedOn=${isoDay(5)}&previousHours=0`),
    );
  }

  private student() {
    const q = `/offers?q=${pick(WORDS)}${(() => {
      const p = pick(PLACES);
      return p ? `&place=${p}` : '';
    })()}`;
    this.steps.push(
      this.get('offer search', q, (body) => {
        this.offers = linkIds(body, /href="\/offers\/(\d+)"/);
        const fresh = this.offers.filter((id) => !this.applied.has(id));
        const [first, second] = [fresh[0], fresh[1] ?? fresh[0]];
        if (first === undefined) return;
        // Two offers read, one applied to (the second read).
        this.steps.unshift(this.get('offer page', `/offers/${first}`), this.get('offer page', `/offers/${second}`), ...this.apply(second));
      }),
    );
    if (this.a.sheetId) {
      const sheet = this.a.sheetId;
      this.steps.push(
        this.get('sheet', `/sheets/${sheet}/edit`, (body) => {
          const fields = formFields(body, new RegExp(`/sheets/${sheet}/edit$`));
          if (!fields) throw new Error(`no sheet form on /sheets/${sheet}/edit`);
          const changed = fields.map(([k, v]): [string, string] => (k === 'activities' ? [k, `Développement web, tests (version ${this.cycle})`] : [k, v]));
          if (!changed.some(([k]) => k === 'activities')) changed.push(['activities', `Développement web, tests (version ${this.cycle})`]);
          this.steps.unshift(this.post('sheet', `/sheets/${sheet}/edit`, [...changed, ['intent', 'save']]));
        }),
      );
    }
    if (this.a.internship) {
      const { id, start, end } = this.a.internship;
      const today = isoDay(0);
      const lastDay = today < end ? today : end;
      this.steps.push(
        this.get('journal', `/agreements/${id}/follow-up`),
        this.post('journal', `/agreements/${id}/journal`, [['day', lastDay < start ? start : lastDay], ['done', `Tests de l'application, revue de code (jour ${this.cycle}).`], ['hard', '']]),
      );
    }
    this.steps.push(this.get('applications list', '/applications'));
  }

  /** The form, then the application with its CV and letter (a real small PDF each). */
  private apply(offer: number): Step[] {
    this.applied.add(offer);
    return [
      this.get('apply', `/applications/new?offer=${offer}`, () => {
        const { body, contentType } = multipart(
          [['_csrf', this.csrf ?? ''], ['title', 'Candidature au stage'], ['message', 'Madame, Monsieur, votre offre correspond à mon projet : je serais heureux de vous rencontrer.']],
          [
            { field: 'cv', filename: 'cv.pdf', type: 'application/pdf', data: this.pdf },
            { field: 'letter', filename: 'lettre.pdf', type: 'application/pdf', data: this.pdf },
          ],
        );
        this.steps.unshift({ kind: 'apply', method: 'POST', path: `/applications/new?offer=${offer}`, body, contentType });
      }),
    ];
  }

  private company() {
    this.steps.push(this.get('applications list', '/applications/company'));
    const app = this.a.queue?.shift();
    if (app !== undefined) {
      // Read it, mark it read, then invite the student to an interview.
      this.steps.push(
        this.get('application status', `/applications/${app}`),
        this.post('application status', `/applications/${app}/status`, [['status', 'READ']]),
        this.post('application status', `/applications/${app}/status`, [['status', 'INTERVIEW'], ['comment', 'Entretien proposé la semaine prochaine.']]),
      );
    }
    const internship = this.a.evaluations?.shift();
    if (internship !== undefined) {
      const path = `/agreements/${internship}/evaluations/company`;
      this.steps.push(
        this.get('evaluation', path, (body) => {
          const fields = formFields(body, new RegExp(`${path}$`));
          if (!fields) throw new Error(`no evaluation form on ${path}`);
          const filled: [string, string][] = fields.map(([k, v]) => [k, v || (k === 'proposedGrade' ? '15' : 'Stagiaire sérieux et autonome.')]);
          for (const [name, values] of radioGroups(body)) filled.push([name, values.includes('4') ? '4' : values[0]]);
          this.steps.unshift(this.post('evaluation', path, filled));
        }),
      );
    }
  }

  private tutor() {
    this.steps.push(this.get('report ack', '/followup'));
    const internship = this.a.queue?.shift();
    if (internship !== undefined) {
      this.steps.push(
        this.get('report ack', `/agreements/${internship}/follow-up`),
        this.post('report ack', `/agreements/${internship}/midterm/acknowledgeAcademic`, [['comment', 'Bilan lu, bonne progression.']]),
      );
    }
  }

  private staff() {
    this.steps.push(this.get('agreement search', `/agreements/search?lastName=${encodeURIComponent(`charge${1 + Math.floor(Math.random() * 50)}`)}`));
    const id = this.a.queue?.shift();
    if (id !== undefined) {
      this.steps.push(
        this.get('agreement search', '/agreements/search?status=SUBMITTED'),
        this.get('agreement page', `/agreements/${id}`),
        this.post('validate', `/agreements/${id}/validate`, []),
        this.get('PDF', `/agreements/${id}/agreement.pdf`),
      );
    }
    // An export now and then (one round in three): the centre's validated agreements.
    if (this.cycle % 3 === 1) this.steps.push(this.get('export', `/agreements/export.${this.cycle % 2 ? 'csv' : 'xlsx'}?status=VALIDATED`));
  }
}

function excerpt(body: string) {
  const text = String(body ?? '');
  const err = /class="error-(?:summary|message)[^"]*"[^>]*>([\s\S]{0,400})/.exec(text)?.[1] ?? /<title>([^<]*)/.exec(text)?.[1] ?? text.slice(0, 200);
  return err.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}
