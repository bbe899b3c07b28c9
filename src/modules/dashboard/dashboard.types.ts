/**
 * What a dashboard shows: first what waits for the person (from the workflows' `awaits`), each
 * entry with how many, the list where it is done and the oldest few records, each a link to the
 * page where the action is; then groups of counters, each a link to the list it counts (the same
 * filter as that list, so that the number and the list agree).
 */
export interface AwaitingItem {
  label: string;
  /** A catalogue key shown after the label (a spontaneous application), or plain text. */
  note?: { key: string } | { text: string } | null;
  href: string;
  since: Date;
}

export interface AwaitingEntry {
  /** dashboard.awaiting.<key> */
  key: string;
  count: number;
  href: string;
  items: AwaitingItem[];
}

export interface Counter {
  /** dashboard.counter.<key> (or a full key when it has a dot). */
  key: string;
  params?: Record<string, string | number>;
  count: number;
  /** The filtered list; null when the person has no such list. */
  href: string | null;
}

export interface CounterGroup {
  /** dashboard.group.<key> */
  key: string;
  params?: Record<string, string | number>;
  counters: Counter[];
  /** dashboard.group.<empty> when the group has no counter. */
  empty?: string;
}

export interface DashboardBlocks {
  awaiting: AwaitingEntry[];
  groups: CounterGroup[];
}

/** How many records of each awaiting entry the dashboard names (the oldest first). */
export const AWAITING_ITEMS = 5;

/** An awaiting entry, or nothing when nothing waits. */
export function entry(key: string, count: number, href: string, items: AwaitingItem[]): AwaitingEntry[] {
  return count > 0 ? [{ key, count, href, items }] : [];
}
