/**
 * Calendly's cursor pagination: `count` (1..100, default 20), an opaque `page_token`, and
 * `sort=created_at:asc|desc`; answers carry exactly five pagination keys (API.md, "List query").
 *
 * Tokens are keyset cursors ("after/before the item created n-th"), not offsets, so deleting
 * subscriptions while paging neither skips nor repeats the others. A token also carries a
 * fingerprint of the filter and sort it was minted for: reusing it with another query is a 400,
 * like a token that does not decode.
 */
import { createHash } from "node:crypto";
import { type ErrorDetail, invalidArgument } from "./errors";

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

export type SortDirection = "asc" | "desc";

export interface Pagination {
  count: number;
  next_page: string | null;
  previous_page: string | null;
  next_page_token: string | null;
  previous_page_token: string | null;
}

interface Cursor {
  /** Which side of the anchor the page lies on. */
  d: "next" | "prev";
  /** Creation sequence number of the anchor item. */
  s: number;
  /** Fingerprint of the query the token belongs to. */
  f: string;
}

export interface PageQuery {
  count: number;
  sort: SortDirection;
  cursor: Cursor | undefined;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null) return undefined;
    const { d, s, f } = value as Record<string, unknown>;
    if ((d === "next" || d === "prev") && Number.isSafeInteger(s) && typeof f === "string") {
      return { d, s: s as number, f };
    }
  } catch {
    // Not base64url JSON: fall through to "invalid".
  }
  return undefined;
}

/** A short stable digest of the parts of a query a cursor must not outlive. */
export function queryFingerprint(parts: readonly (string | undefined)[]): string {
  return createHash("sha256")
    .update(parts.map((p) => p ?? "").join("\n"))
    .digest("base64url")
    .slice(0, 12);
}

/**
 * Reads `count`, `sort` and `page_token`, appending a detail for each bad one to `details` (so the
 * caller can report every bad parameter of a request in one 400).
 */
export function readPageQuery(
  query: URLSearchParams,
  fingerprintOf: (sort: SortDirection) => string,
  details: ErrorDetail[],
): PageQuery {
  let count = DEFAULT_COUNT;
  const rawCount = query.get("count");
  if (rawCount !== null) {
    const n = Number(rawCount);
    if (!/^\d+$/.test(rawCount) || n < 1 || n > MAX_COUNT) {
      details.push({ parameter: "count", message: `count must be an integer from 1 to ${MAX_COUNT}` });
    } else {
      count = n;
    }
  }

  let sort: SortDirection = "asc";
  const rawSort = query.get("sort");
  if (rawSort !== null) {
    if (rawSort === "created_at:asc") sort = "asc";
    else if (rawSort === "created_at:desc") sort = "desc";
    else details.push({ parameter: "sort", message: "sort must be created_at:asc or created_at:desc" });
  }

  let cursor: Cursor | undefined;
  const rawToken = query.get("page_token");
  if (rawToken !== null) {
    cursor = decodeCursor(rawToken);
    if (!cursor || cursor.f !== fingerprintOf(sort)) {
      cursor = undefined;
      details.push({
        parameter: "page_token",
        message: "page_token is invalid: pass a next_page_token or previous_page_token from the same query",
      });
    }
  }
  return { count, sort, cursor };
}

export function assertNoDetails(details: ErrorDetail[]): void {
  if (details.length > 0) throw invalidArgument(details);
}

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/**
 * One page of `items` (given oldest first, each with its creation sequence number `seq`).
 * `pageUrl(token)` builds the full URL of a page, so `next_page`/`previous_page` work as given.
 */
export function paginate<T extends { seq: number }>(
  items: readonly T[],
  query: PageQuery,
  fingerprint: string,
  pageUrl: (token: string) => string,
): Page<T> {
  const ordered = query.sort === "asc" ? [...items] : [...items].reverse();
  // "a comes before b" in the requested order.
  const before = (a: number, b: number) => (query.sort === "asc" ? a < b : a > b);

  let page: T[];
  const cursor = query.cursor;
  if (!cursor) {
    page = ordered.slice(0, query.count);
  } else if (cursor.d === "next") {
    page = ordered.filter((item) => before(cursor.s, item.seq)).slice(0, query.count);
  } else {
    const preceding = ordered.filter((item) => before(item.seq, cursor.s));
    page = preceding.slice(Math.max(0, preceding.length - query.count));
  }

  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = last !== undefined && ordered.some((item) => before(last.seq, item.seq));
  const hasPrevious = first !== undefined && ordered.some((item) => before(item.seq, first.seq));
  const nextToken = hasNext ? encodeCursor({ d: "next", s: last.seq, f: fingerprint }) : null;
  const previousToken = hasPrevious ? encodeCursor({ d: "prev", s: first.seq, f: fingerprint }) : null;
  return {
    items: page,
    pagination: {
      count: page.length,
      next_page: nextToken === null ? null : pageUrl(nextToken),
      previous_page: previousToken === null ? null : pageUrl(previousToken),
      next_page_token: nextToken,
      previous_page_token: previousToken,
    },
  };
}
