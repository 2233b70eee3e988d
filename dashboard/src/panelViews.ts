/** The request journal, the fault rules and the snapshots, as tables. */
import { html, Raw, shortTime } from './html';

export interface JournalEntry {
  id: string;
  time: string;
  method: string;
  path: string;
  apiVersion?: string;
  status: number;
  errorCode?: string;
  durationMs: number;
  principal?: string;
  fault?: string;
}

export interface FaultRule {
  id: string;
  match: Record<string, unknown>;
  effect: Record<string, unknown>;
  fired: number;
  active: boolean;
  remaining?: number;
}

export interface Snapshot {
  name: string;
  createdAt: string;
  bytes: number;
}

const summary = (fields: Record<string, unknown>) => Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');

export function journalView(entries: JournalEntry[]): Raw {
  if (entries.length === 0) return html`<p class="muted">No requests match.</p>`;
  return html`<table class="journal"><caption class="visually-hidden">Requests, newest first</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">api-version</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">ms</th><th scope="col">Principal</th></tr></thead>
    <tbody>${entries.map((e) => html`<tr class="${e.status >= 400 ? 'failed' : ''}"><td>${shortTime(e.time)}</td><td>${e.method}</td><td class="path">${e.path}</td><td>${e.apiVersion ?? ''}</td><td>${e.status}</td><td>${e.errorCode ?? ''}${e.fault ? html` <span class="badge">fault</span>` : ''}</td><td>${e.durationMs}</td><td>${e.principal ?? ''}</td></tr>`)}</tbody>
  </table>`;
}

export function faultsView(rules: FaultRule[]): Raw {
  if (rules.length === 0) return html`<p class="muted">No fault rules (POST /_arclight/faults adds one).</p>`;
  return html`<table><thead><tr><th scope="col">Rule</th><th scope="col">Match</th><th scope="col">Effect</th><th scope="col">Fired</th><th scope="col">Active</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rules.map((r) => html`<tr><th scope="row">${r.id}</th><td>${summary(r.match)}</td><td>${summary(r.effect)}</td><td>${r.fired}${r.remaining !== undefined ? ` (${r.remaining} left)` : ''}</td><td>${r.active ? 'yes' : 'no'}</td><td><button type="button" data-fault-delete="${r.id}" aria-label="Delete fault rule ${r.id}">Delete</button></td></tr>`)}</tbody>
  </table><p><button type="button" data-faults-clear>Delete every rule</button></p>`;
}

export function snapshotsView(snapshots: Snapshot[]): Raw {
  if (snapshots.length === 0) return html`<p class="muted">No snapshots.</p>`;
  return html`<table><thead><tr><th scope="col">Name</th><th scope="col">Saved</th><th scope="col">Size</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${snapshots.map((s) => html`<tr><th scope="row">${s.name}</th><td>${shortTime(s.createdAt)}</td><td>${Math.ceil(s.bytes / 1024)} KiB</td><td class="actions"><button type="button" data-snapshot-restore="${s.name}" aria-label="Restore snapshot ${s.name}">Restore</button><button type="button" data-snapshot-delete="${s.name}" aria-label="Delete snapshot ${s.name}">Delete</button></td></tr>`)}</tbody>
  </table>`;
}
