/**
 * List paging: keyset pages in key order, continued with `$skipToken` in an absolute nextLink
 * that repeats the caller's query. `$top` sets the page size where the operation's spec has it.
 */
import type { ArmRequest } from './handlers';
import type { Page, StoredResource } from '../store/resources';

export interface PageRequest {
  after: string;
  limit: number;
}

export function pageRequest(req: ArmRequest, defaultSize: number): PageRequest {
  const token = req.query.$skipToken;
  let after = '';
  if (token) {
    try {
      after = Buffer.from(token, 'base64url').toString('utf8');
    } catch {
      after = '';
    }
  }
  const top = req.operation.queryNames.has('$top') ? Number(req.query.$top) : NaN;
  const limit = Number.isInteger(top) && top > 0 ? Math.min(top, 1000) : defaultSize;
  return { after, limit: Math.max(1, limit) };
}

export function nextLink(req: ArmRequest, page: Pick<Page, 'continueAfter'>): string | undefined {
  if (page.continueAfter === undefined) return undefined;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) if (name !== '$skipToken') params.set(name, value);
  params.set('$skipToken', Buffer.from(page.continueAfter, 'utf8').toString('base64url'));
  return `${req.baseUrl}${req.path}?${params.toString()}`;
}

/** The list envelope ARM returns: `value`, and `nextLink` only while more pages follow. */
export function listBody<T>(value: T[], link: string | undefined): { value: T[]; nextLink?: string } {
  return link ? { value, nextLink: link } : { value };
}

/**
 * A page of the items `read` yields that pass `accept`. Filtering happens after the keyset
 * read, so batches are read until the page is full or the list ends.
 */
export function filteredPage(read: (after: string, limit: number) => Page, accept: (r: StoredResource) => boolean, request: PageRequest): Page {
  const items: StoredResource[] = [];
  let after = request.after;
  for (;;) {
    const batch = read(after, request.limit);
    for (let i = 0; i < batch.items.length; i++) {
      const r = batch.items[i];
      after = r.key;
      if (!accept(r)) continue;
      items.push(r);
      if (items.length === request.limit) {
        const more = i < batch.items.length - 1 || batch.continueAfter !== undefined;
        return more ? { items, continueAfter: after } : { items };
      }
    }
    if (batch.continueAfter === undefined) return { items };
  }
}
