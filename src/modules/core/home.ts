import type { Db } from '../../db/client.js';
import type { Clock } from '../../time/clock.js';
import { SIMULATOR_PATH } from '../legal/paths.js';
import { visibleOfferSql } from '../offers/offers.visibility.js';

/** What the public home page counts. */
export interface HomeCounts {
  /** Offers a visitor would see now: published, inside their period, targeted at everyone. */
  offers: number;
  /** Host organisations verified by a centre. */
  organisations: number;
  /** The countries of those organisations. */
  countries: number;
}

/** How long the counts are kept: the home page is the busiest anonymous page, the counts move slowly. */
export const HOME_COUNTS_TTL_MS = 60_000;

/** One public tool shown on the home page. */
export interface PublicTool {
  href: string;
  titleKey: string;
  descriptionKey: string;
}

/** The public tools, in the order the home page lists them; the section is hidden while empty. */
export const PUBLIC_TOOLS: readonly PublicTool[] = [{ href: SIMULATOR_PATH, titleKey: 'legal.tool.title', descriptionKey: 'legal.tool.description' }];

/**
 * The home page's live counts: one SQL statement, kept HOME_COUNTS_TTL_MS (keyed by nothing: every
 * visitor sees the same numbers). The expiry is read from the app's clock, so tests can move it.
 */
export class HomeCountsCache {
  private cached: { counts: HomeCounts; until: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<HomeCounts> {
    const now = this.clock.now();
    if (this.cached && now.getTime() < this.cached.until) return this.cached.counts;
    const counts = await this.read(now);
    this.cached = { counts, until: now.getTime() + HOME_COUNTS_TTL_MS };
    return counts;
  }

  private async read(now: Date): Promise<HomeCounts> {
    // The offers' visibility rule for the public (offers.visibility.ts), so the count never shows
    // an offer a visitor could not find once signed in as any student.
    const [row] = await this.db.$queryRaw<{ offers: bigint; organisations: bigint; countries: bigint }[]>`
      SELECT (SELECT count(*) FROM "Offer" o WHERE ${visibleOfferSql(null, now)}) AS offers,
             count(*) AS organisations,
             count(DISTINCT country) AS countries
      FROM "Organisation" WHERE verified`;
    return { offers: Number(row.offers), organisations: Number(row.organisations), countries: Number(row.countries) };
  }
}
