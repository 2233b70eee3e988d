/**
 * The dashboard page: reads resources through ARM as a client would, and the clock, the
 * connectivity timelines, the journal, faults and snapshots through /_arclight; the live event
 * stream says what to read again. Everything is drawn from `state` by render functions.
 */
import { Api, CallFailed, SignInNeeded } from './api';
import { followEvents, StreamEvent } from './eventStream';
import { ArmResource, Configurations, detailsView, legend, regionsView } from './clusterViews';
import { FaultRule, faultsView, JournalEntry, journalView, Snapshot, snapshotsView } from './panelViews';
import type { TimelineEntry } from './timeline';
import { shortTime } from './html';

const VERSIONS = { subscriptions: '2022-12-01', clusters: '2024-01-01', configurations: '2023-05-01' };
const CLUSTER_TYPE = 'microsoft.kubernetes/connectedclusters';
const CONFIGURATION_COLLECTIONS = ['extensions', 'fluxConfigurations', 'sourceControlConfigurations'] as const;

const api = new Api();
const state = {
  clusters: new Map<string, ArmResource>(),
  timelines: new Map<string, TimelineEntry[]>(),
  nowMs: Date.now(),
  frozen: false,
  selected: undefined as string | undefined,
  configurations: undefined as Configurations | undefined,
};

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector(selector) as T;

function say(message: string): void {
  $('#status').textContent = message;
}

/** Runs `work` at most once per `ms`, after the last call (events come in bursts). */
function debounced(work: () => Promise<void> | void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void guarded(work), ms);
  };
}

/** A call's failure is shown, never thrown into the event loop; a sign-in it needs is asked for. */
async function guarded(work: () => Promise<void> | void): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof SignInNeeded) askToSignIn(err);
    else say(err instanceof CallFailed ? `${err.status} ${err.code}: ${err.message}` : String((err as Error).message ?? err));
  }
}

// ---- reading -------------------------------------------------------------------------------

async function readClock(): Promise<void> {
  const clock = await api.admin<{ now: string; frozen: boolean }>('/clock');
  setClock(clock.now, clock.frozen);
}

function setClock(now: string, frozen: boolean): void {
  state.nowMs = Date.parse(now);
  state.frozen = frozen;
  $('#clock-now').textContent = shortTime(now);
  $('#clock-now').setAttribute('datetime', now);
  $('#clock-frozen').hidden = !frozen;
  const freeze = $('#clock-freeze');
  freeze.textContent = frozen ? 'Unfreeze' : 'Freeze';
  freeze.setAttribute('aria-pressed', String(frozen));
}

async function readClusters(): Promise<void> {
  const subscriptions = await api.armList<{ subscriptionId: string }>(`/subscriptions?api-version=${VERSIONS.subscriptions}`);
  const lists = await Promise.all(subscriptions.map((s) =>
    api.armList<ArmResource>(`/subscriptions/${s.subscriptionId}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${VERSIONS.clusters}`)));
  state.clusters = new Map(lists.flat().map((c) => [c.id.toLowerCase(), c]));
}

async function readTimelines(): Promise<void> {
  const answer = await api.admin<{ now: string; value: Array<{ id: string; entries: TimelineEntry[] }> }>('/connectivity');
  state.timelines = new Map(answer.value.map((t) => [t.id.toLowerCase(), t.entries]));
  state.nowMs = Math.max(state.nowMs, Date.parse(answer.now));
}

async function readCluster(id: string): Promise<void> {
  try {
    state.clusters.set(id, await api.arm<ArmResource>(`${id}?api-version=${VERSIONS.clusters}`));
  } catch (err) {
    if (!(err instanceof CallFailed && err.status === 404)) throw err;
    state.clusters.delete(id);
  }
}

async function readConfigurations(): Promise<void> {
  const id = state.selected;
  if (!id) return;
  const [extensions, fluxConfigurations, sourceControlConfigurations] = await Promise.all(CONFIGURATION_COLLECTIONS.map((collection) =>
    api.armList<ArmResource>(`${id}/providers/Microsoft.KubernetesConfiguration/${collection}?api-version=${VERSIONS.configurations}`)));
  if (state.selected === id) state.configurations = { extensions, fluxConfigurations, sourceControlConfigurations };
}

async function readJournal(): Promise<void> {
  const form = new FormData($<HTMLFormElement>('#journal-filter'));
  const query = new URLSearchParams({ limit: '100' });
  for (const [name, value] of form) if (typeof value === 'string' && value.trim()) query.set(name, value.trim());
  const answer = await api.admin<{ value: JournalEntry[] }>(`/requests?${query}`);
  $('#journal').innerHTML = journalView(answer.value).text;
}

async function readFaults(): Promise<void> {
  $('#faults').innerHTML = faultsView((await api.admin<{ value: FaultRule[] }>('/faults')).value).text;
}

async function readSnapshots(): Promise<void> {
  $('#snapshots').innerHTML = snapshotsView((await api.admin<{ value: Snapshot[] }>('/snapshots')).value).text;
}

// ---- drawing -------------------------------------------------------------------------------

function axis() {
  let startMs = state.nowMs;
  for (const entries of state.timelines.values()) if (entries[0]) startMs = Math.min(startMs, Date.parse(entries[0].since));
  return { startMs, nowMs: state.nowMs };
}

const focusCluster = (id: string) => document.querySelector<HTMLElement>(`[data-select="${CSS.escape(id)}"]`)?.focus();

function renderClusters(): void {
  const clusters = [...state.clusters.values()];
  // Drawing anew replaces the buttons: the one with the keyboard's focus gets it back.
  const focused = (document.activeElement as HTMLElement | null)?.dataset.select;
  $('#clusters-heading').textContent = `Connected clusters (${clusters.length})`;
  $('#regions').innerHTML = regionsView(clusters, state.timelines, axis(), state.selected).text;
  if (focused) focusCluster(focused);
  renderDetails();
}

function renderDetails(): void {
  const details = $('#details');
  const cluster = state.selected ? state.clusters.get(state.selected) : undefined;
  details.hidden = !cluster;
  if (cluster) details.innerHTML = detailsView(cluster, state.configurations, state.timelines.get(state.selected!) ?? [], axis()).text;
}

let drawPending = false;
function redraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    renderClusters();
  });
}

// ---- live updates --------------------------------------------------------------------------

/** Beyond this many clusters changed at once, reading the lists again takes fewer requests than reading each. */
const REREAD_ALL_ABOVE = 50;
const changedClusters = new Set<string>();
const readChangedClusters = debounced(async () => {
  const ids = [...changedClusters];
  changedClusters.clear();
  await (ids.length > REREAD_ALL_ABOVE ? readClusters() : Promise.all(ids.map(readCluster)));
  redraw();
}, 100);
const refreshTimelines = debounced(async () => {
  await readTimelines();
  redraw();
}, 100);
const refreshConfigurations = debounced(async () => {
  await readConfigurations();
  renderDetails();
}, 100);
const refreshJournal = debounced(readJournal, 1000);
const refreshFaults = debounced(readFaults, 300);

function heard(event: StreamEvent): void {
  const id = event.id.toLowerCase();
  if (event.type === 'clock.moved') {
    setClock(String(event.now), Boolean(event.frozen));
    redraw();
  } else if (event.type === 'connectivity.changed') {
    const cluster = state.clusters.get(id);
    if (cluster) cluster.properties = { ...cluster.properties, connectivityStatus: event.to };
    refreshTimelines();
    redraw();
  } else if (event.type === 'fault.fired') {
    refreshFaults();
  } else if (event.type.startsWith('resource.')) {
    if (String(event.resourceType).toLowerCase() === CLUSTER_TYPE) {
      changedClusters.add(id);
      readChangedClusters();
    } else if (state.selected && id.startsWith(`${state.selected}/`)) {
      refreshConfigurations();
    }
  }
  refreshJournal();
}

// ---- actions -------------------------------------------------------------------------------

async function select(id: string | undefined): Promise<void> {
  const previous = state.selected;
  state.selected = state.selected === id ? undefined : id;
  state.configurations = undefined;
  renderClusters();
  if (!state.selected) {
    // Keyboard users go back to the cluster they came from.
    if (previous) focusCluster(previous);
    return;
  }
  $('#details').focus();
  await readConfigurations();
  renderDetails();
}

function onClick(target: HTMLElement): Promise<void> | void {
  const button = target.closest('button');
  if (!button) return;
  const data = button.dataset;
  if (data.advance) return api.admin('/clock/advance', { method: 'POST', body: { duration: data.advance } }).then(readClock).then(redraw);
  if (button.id === 'clock-freeze') return api.admin('/clock', { method: 'PUT', body: { frozen: !state.frozen } }).then(readClock);
  if (data.select) return select(data.select);
  if (data.close !== undefined) return select(undefined);
  if (data.agent && data.target) {
    const action = data.agent;
    return api.admin(`/clusters${data.target}/${action}`, { method: 'POST', body: action === 'fail' ? {} : undefined }).then(() => say(`${action}: done`));
  }
  if (data.faultDelete) return api.admin(`/faults/${encodeURIComponent(data.faultDelete)}`, { method: 'DELETE' }).then(readFaults);
  if (data.faultsClear !== undefined) return api.admin('/faults', { method: 'DELETE' }).then(readFaults);
  if (data.snapshotRestore) {
    const name = data.snapshotRestore;
    return api.admin(`/snapshots/${encodeURIComponent(name)}/restore`, { method: 'POST' }).then(loadEverything).then(() => say(`snapshot ${name} restored`));
  }
  if (data.snapshotDelete) return api.admin(`/snapshots/${encodeURIComponent(data.snapshotDelete)}`, { method: 'DELETE' }).then(readSnapshots);
}

function askToSignIn(err: SignInNeeded): void {
  const form = $<HTMLFormElement>('#sign-in');
  form.hidden = false;
  $('#sign-in-reason').textContent = err.message;
  $('#admin-key-field').hidden = err.what !== 'adminKey';
  $('#credential-fields').hidden = err.what !== 'credentials';
  if (err.what === 'credentials' && api.info) $<HTMLInputElement>('#client-id').value ||= api.info.clientId;
  (form.querySelector('input:not([hidden])') as HTMLInputElement | null)?.focus();
}

function signIn(): Promise<void> {
  if (!$('#admin-key-field').hidden) api.adminKey = $<HTMLInputElement>('#admin-key').value;
  if (!$('#credential-fields').hidden) api.setCredentials($<HTMLInputElement>('#client-id').value, $<HTMLInputElement>('#client-secret').value);
  $('#sign-in').hidden = true;
  return start();
}

// ---- start ---------------------------------------------------------------------------------

async function loadEverything(): Promise<void> {
  await Promise.all([readClock(), readClusters(), readTimelines()]);
  renderClusters();
  // A frame's callbacks run before it is painted, a task queued from one after: the bench reads this mark.
  requestAnimationFrame(() => setTimeout(() => performance.mark('arclight-clusters-painted')));
  document.body.dataset.loaded = 'true';
  await Promise.all([readConfigurations().then(renderDetails), readJournal(), readFaults(), readSnapshots()]);
}

let following = false;
async function start(): Promise<void> {
  await guarded(async () => {
    const info = await api.loadInfo();
    $('#instance').textContent = `auth ${info.auth} · rbac ${info.rbac} · agents ${info.agents} · Offline after ${info.offlineAfterSeconds} s without a heartbeat`;
    await loadEverything();
    say('');
    if (following) return;
    following = true;
    // Read again at every (re)connection: what changed while the stream was away is not told.
    let first = true;
    followEvents('/_arclight/events?types=resource,connectivity,clock,fault', () => api.adminHeaders(), heard, () => {
      if (!first) void guarded(loadEverything);
      first = false;
    });
  });
}

function wire(): void {
  $('#cluster-legend').innerHTML = legend().text;
  document.addEventListener('click', (e) => void guarded(() => onClick(e.target as HTMLElement)));
  $('#journal-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(readJournal);
  });
  $('#snapshot-save').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>('#snapshot-save input[name=name]');
    void guarded(() => api.admin('/snapshots', { method: 'POST', body: { name: input.value } }).then(readSnapshots));
  });
  $('#sign-in').addEventListener('submit', (e) => {
    e.preventDefault();
    void signIn();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.selected) void guarded(() => select(undefined));
  });
}

/** While the clock runs, the timelines' right edge follows it between the events that move it. */
const TICK_MS = 10_000;
setInterval(() => {
  if (state.frozen || document.hidden) return;
  state.nowMs += TICK_MS;
  redraw();
}, TICK_MS);

wire();
void start();
