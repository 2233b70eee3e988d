/**
 * A cluster's connectivity over time as SVG: one band per status, on an axis of the emulator
 * clock. Drawn with SVG attributes, not style attributes, which the page's CSP forbids.
 */
import { html, Raw, shortTime } from './html';

export interface TimelineEntry {
  status: string;
  since: string;
}

export const STATUSES = ['Connecting', 'Connected', 'Offline', 'Expired', 'AgentNotInstalled', 'Unknown'];

interface Segment {
  status: string;
  from: number;
  to: number;
}

function segments(entries: readonly TimelineEntry[], nowMs: number): Segment[] {
  return entries.map((entry, i) => ({
    status: entry.status,
    from: Date.parse(entry.since),
    to: i + 1 < entries.length ? Date.parse(entries[i + 1].since) : nowMs,
  })).filter((s) => s.to >= s.from);
}

/** What a screen reader is told instead of the picture. */
export function describe(entries: readonly TimelineEntry[]): string {
  return entries.map((e) => `${e.status} from ${shortTime(e.since)}`).join(', ') || 'no connectivity known';
}

/** A band from `startMs` to `nowMs`: `compact` for a table row, else with its axis labelled. */
export function timelineSvg(entries: readonly TimelineEntry[], startMs: number, nowMs: number, compact: boolean): Raw {
  const width = 1000;
  const span = Math.max(1, nowMs - startMs);
  const x = (ms: number) => ((Math.max(startMs, ms) - startMs) / span) * width;
  const rects = segments(entries, nowMs).map((s) => html`<rect class="s-${s.status}" x="${x(s.from).toFixed(1)}" y="0" width="${Math.max(0.5, x(s.to) - x(s.from)).toFixed(1)}" height="20"><title>${s.status}: ${shortTime(new Date(s.from).toISOString())} to ${shortTime(new Date(s.to).toISOString())}</title></rect>`);
  const label = `Connectivity: ${describe(entries)}`;
  if (compact) {
    return html`<svg class="timeline" viewBox="0 0 ${width} 20" preserveAspectRatio="none" role="img" aria-label="${label}">${rects}</svg>`;
  }
  return html`<figure class="timeline-large">
    <svg class="timeline" viewBox="0 0 ${width} 20" preserveAspectRatio="none" role="img" aria-label="${label}">${rects}</svg>
    <figcaption><span>${shortTime(new Date(startMs).toISOString())}</span><span>now ${shortTime(new Date(nowMs).toISOString())}</span></figcaption>
  </figure>`;
}
