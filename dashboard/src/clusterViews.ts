/** The clusters by region, and one cluster with its configurations. */
import { html, Raw, shortTime } from './html';
import { timelineSvg, TimelineEntry, STATUSES } from './timeline';

export interface ArmResource {
  id: string;
  name: string;
  location?: string;
  properties?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- ARM bodies, read field by field
  systemData?: { createdAt?: string };
}

export interface Configurations {
  extensions: ArmResource[];
  fluxConfigurations: ArmResource[];
  sourceControlConfigurations: ArmResource[];
}

export interface Axis {
  startMs: number;
  nowMs: number;
}

const resourceGroupOf = (id: string) => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
const statusOf = (c: ArmResource) => String(c.properties?.connectivityStatus ?? 'Unknown');
const badge = (status: unknown, prefix = 's') => html`<span class="badge ${prefix}-${String(status ?? 'Unknown')}">${status ?? '—'}</span>`;

export function legend(): Raw {
  return html`${STATUSES.map((s) => html`<span class="key"><span class="swatch s-${s}"></span>${s}</span>`)}`;
}

function clusterRow(c: ArmResource, timeline: TimelineEntry[], axis: Axis, selected: boolean): Raw {
  const p = c.properties ?? {};
  return html`<tr data-id="${c.id.toLowerCase()}" class="${selected ? 'selected' : ''}">
    <th scope="row"><button type="button" class="link" data-select="${c.id.toLowerCase()}" aria-expanded="${selected}">${c.name}</button></th>
    <td>${resourceGroupOf(c.id)}</td>
    <td class="status">${badge(statusOf(c))}</td>
    <td>${p.kubernetesVersion ?? '—'}</td>
    <td>${p.agentVersion ?? '—'}</td>
    <td>${shortTime(p.managedIdentityCertificateExpirationTime)}</td>
    <td class="timeline-cell">${timelineSvg(timeline, axis.startMs, axis.nowMs, true)}</td>
  </tr>`;
}

/** Every cluster, grouped by region (one table each), regions and clusters in name order. */
export function regionsView(clusters: ArmResource[], timelines: Map<string, TimelineEntry[]>, axis: Axis, selected?: string): Raw {
  if (clusters.length === 0) return html`<p class="muted">No connected clusters yet. Create one through ARM; it appears here.</p>`;
  const byRegion = new Map<string, ArmResource[]>();
  for (const c of clusters) {
    const region = c.location ?? 'unknown';
    byRegion.set(region, [...(byRegion.get(region) ?? []), c]);
  }
  const sections = [...byRegion.keys()].sort().map((region) => {
    const members = byRegion.get(region)!.sort((a, b) => a.name.localeCompare(b.name));
    const counts = new Map<string, number>();
    for (const c of members) counts.set(statusOf(c), (counts.get(statusOf(c)) ?? 0) + 1);
    const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
    const headingId = `region-${region.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<section class="region" aria-labelledby="${headingId}">
      <h3 id="${headingId}">${region} <span class="muted">${members.length} ${members.length === 1 ? 'cluster' : 'clusters'}: ${summary}</span></h3>
      <table>
        <thead><tr><th scope="col">Cluster</th><th scope="col">Resource group</th><th scope="col">Connectivity</th><th scope="col">Kubernetes</th><th scope="col">Agent</th><th scope="col">Certificate expires</th><th scope="col">Timeline</th></tr></thead>
        <tbody>${members.map((c) => clusterRow(c, timelines.get(c.id.toLowerCase()) ?? [], axis, c.id.toLowerCase() === selected))}</tbody>
      </table>
    </section>`;
  });
  return html`${sections}`;
}

function agentButtons(id: string, name: string): Raw {
  return html`<span class="actions"><button type="button" data-agent="fail" data-target="${id}" aria-label="Fail ${name}">Fail</button><button type="button" data-agent="recover" data-target="${id}" aria-label="Recover ${name}">Recover</button></span>`;
}

function kustomizations(flux: ArmResource): Raw {
  const p = flux.properties ?? {};
  const statuses: Array<{ name?: string; kind?: string; complianceState?: string }> = Array.isArray(p.statuses) ? p.statuses : [];
  const names = Object.keys(p.kustomizations ?? {});
  if (names.length === 0) return html`—`;
  return html`<ul class="plain">${names.map((k) => {
    const status = statuses.find((s) => s.kind === 'Kustomization' && (s.name === k || s.name === `${flux.name}-${k}`));
    return html`<li>${k} ${status ? badge(status.complianceState, 'c') : ''}</li>`;
  })}</ul>`;
}

function table(caption: string, heads: string[], rows: Raw[]): Raw {
  if (rows.length === 0) return html`<h3>${caption}</h3><p class="muted">None.</p>`;
  return html`<h3>${caption}</h3><table><thead><tr>${heads.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** One cluster: its facts, its agents' controls, its timeline and its configurations. */
export function detailsView(c: ArmResource, configs: Configurations | undefined, timeline: TimelineEntry[], axis: Axis): Raw {
  const p = c.properties ?? {};
  const facts: Array<[string, unknown]> = [
    ['Id', c.id], ['Region', c.location], ['Provisioning', p.provisioningState], ['Distribution', p.distribution], ['Infrastructure', p.infrastructure],
    ['Nodes', p.totalNodeCount], ['Last connectivity', shortTime(p.lastConnectivityTime)], ['Certificate expires', shortTime(p.managedIdentityCertificateExpirationTime)],
  ];
  const start = Math.min(axis.startMs, ...timeline.map((e) => Date.parse(e.since)));
  const extensionRows = (configs?.extensions ?? []).map((e) => html`<tr><th scope="row">${e.name}</th><td>${e.properties?.extensionType}</td><td>${e.properties?.currentVersion ?? e.properties?.version ?? '—'}</td><td>${badge(e.properties?.provisioningState, 'p')}</td><td>${e.properties?.scope?.cluster?.releaseNamespace ?? e.properties?.scope?.namespace?.targetNamespace ?? '—'}</td><td>${agentButtons(e.id, e.name)}</td></tr>`);
  const fluxRows = (configs?.fluxConfigurations ?? []).map((f) => html`<tr><th scope="row">${f.name}</th><td>${badge(f.properties?.complianceState, 'c')}</td><td>${badge(f.properties?.provisioningState, 'p')}</td><td>${f.properties?.sourceKind} ${f.properties?.gitRepository?.url ?? f.properties?.bucket?.url ?? f.properties?.azureBlob?.url ?? ''}</td><td>${kustomizations(f)}</td><td>${agentButtons(f.id, f.name)}</td></tr>`);
  const sccRows = (configs?.sourceControlConfigurations ?? []).map((s) => html`<tr><th scope="row">${s.name}</th><td>${s.properties?.operatorType}</td><td>${badge(s.properties?.complianceStatus?.complianceState, 'c')}</td><td>${badge(s.properties?.provisioningState, 'p')}</td><td>${s.properties?.repositoryUrl}</td><td>${agentButtons(s.id, s.name)}</td></tr>`);
  return html`<div class="details-head">
      <h2 id="details-heading">${c.name} ${badge(statusOf(c))}</h2>
      <button type="button" data-close>Close</button>
    </div>
    <dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v ?? '—'}</dd></div>`)}<div><dt>Kubernetes</dt><dd>${p.kubernetesVersion ?? '—'}</dd></div><div><dt>Agent</dt><dd>${p.agentVersion ?? '—'}</dd></div></dl>
    <div class="buttons" role="group" aria-label="Simulated agents of ${c.name}">
      <button type="button" data-agent="connect" data-target="${c.id}">Connect agents</button>
      <button type="button" data-agent="disconnect" data-target="${c.id}">Disconnect agents</button>
    </div>
    <h3>Connectivity over time</h3>
    ${timelineSvg(timeline, start, axis.nowMs, false)}
    ${configs ? html`
      ${table('Extensions', ['Name', 'Type', 'Version', 'Provisioning', 'Namespace', 'Agents'], extensionRows)}
      ${table('Flux configurations', ['Name', 'Compliance', 'Provisioning', 'Source', 'Kustomizations', 'Agents'], fluxRows)}
      ${table('Source control configurations', ['Name', 'Operator', 'Compliance', 'Provisioning', 'Repository', 'Agents'], sccRows)}` : html`<p class="muted">Loading configurations…</p>`}`;
}
