/// <reference lib="dom" />
/**
 * The dashboard (/_arclight/ui) in a real browser: chromium over verified HTTPS, the page
 * reading ARM with a token from Arclight's token service, a cluster created with the official SDK
 * appearing live, the clock buttons turning it Offline and Expired, its timeline, the agents'
 * controls, the journal's filters, faults and snapshots, keyboard use and labels, and nothing
 * requested from anywhere but Arclight. Skipped without chromium, unless
 * ARCLIGHT_TEST_REQUIRE_BROWSER=1 (CI installs it).
 */
import { strict as assert } from 'assert';
import type { Browser, Page } from 'playwright-core';
import { testServer, TestServer } from '../support/arclight';
import { armClients, ArmClients, connectCluster, controls, createConfigurations } from '../support/clusterSide';
import { overHttps } from '../support/https';
import { artifactPath, browserFor, browserRequired, findChromium } from '../support/browser';

const GROUP = 'dashboard';

/** The row's connectivity as the page shows it. */
const statusOf = (page: Page, name: string) => page.locator(`tr[data-id$="/connectedclusters/${name}"] td.status`).innerText();

async function waitForStatus(page: Page, name: string, status: string): Promise<void> {
  await page.waitForFunction(([n, s]) => document.querySelector(`tr[data-id$="/connectedclusters/${n}"] td.status`)?.textContent?.trim() === s, [name, status], { timeout: 10_000 });
}

describe('e2e: the dashboard in chromium', function () {
  this.timeout(60_000);
  let server: TestServer;
  let arm: ArmClients;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  before(async function () {
    if (!findChromium()) {
      if (browserRequired()) throw new Error('chromium is not installed, and ARCLIGHT_TEST_REQUIRE_BROWSER=1 requires it');
      return this.skip();
    }
    server = await testServer({ agents: 'simulated', auth: 'lenient' });
    arm = armClients(server);
    browser = await browserFor(server.url, server.caCertPem);
    page = await browser.newPage();
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(server.dashboardUrl);
    await page.waitForSelector('body[data-loaded="true"]');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is served with a policy that lets it reach nothing but Arclight', async () => {
    const answer = await overHttps(server.url, server.caCertPem)('get', '/_arclight/ui');
    assert.equal(answer.status, 200);
    assert.match(answer.headers['content-security-policy'], /default-src 'none'.*connect-src 'self'/);
    assert.equal(await page.title(), 'Arclight dashboard');
  });

  it('shows a cluster created through ARM as it connects, with its versions and certificate expiry', async () => {
    const created = await connectCluster(arm, GROUP, 'c1', 'westeurope');
    await waitForStatus(page, 'c1', 'Connected');
    const row = page.locator('tr[data-id$="/connectedclusters/c1"]');
    const cells = await row.locator('td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 4), [GROUP, 'Connected', created.kubernetesVersion, created.agentVersion]);
    assert.equal(cells[4], created.managedIdentityCertificateExpirationTime!.toISOString().slice(0, 16).replace('T', ' '));
    assert.match(await page.locator('#regions h3').first().innerText(), /^westeurope 1 cluster: 1 Connected/);
  });

  it('shows a cluster\'s configurations, and the agents\' fail and recover', async () => {
    await createConfigurations(arm, GROUP, 'c1');
    await page.getByRole('button', { name: 'c1', exact: true }).click();
    const details = page.locator('#details');
    await details.getByRole('heading', { name: 'Extensions' }).waitFor();
    await details.locator('tr', { hasText: 'Microsoft.AzureMonitor.Containers' }).waitFor();
    const flux = details.locator('tr', { hasText: 'gitops' }).first();
    assert.match(await flux.innerText(), /Compliant/);
    assert.match(await flux.innerText(), /infra/);
    await flux.getByRole('button', { name: 'Fail gitops' }).click();
    await page.waitForFunction(() => /Non-Compliant/.test(document.querySelector('#details')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await details.locator('tr', { hasText: 'gitops' }).first().getByRole('button', { name: 'Recover gitops' }).click();
    await page.waitForFunction(() => !/Non-Compliant/.test(document.querySelector('#details')?.textContent ?? ''), undefined, { timeout: 10_000 });
  });

  it('turns a disconnected cluster Offline with +16 minutes and Expired with +91 days, drawn on its timeline', async () => {
    await page.getByRole('button', { name: 'Disconnect agents' }).click();
    await page.waitForFunction(() => /disconnect: done/.test(document.querySelector('#status')?.textContent ?? ''));
    assert.equal(await statusOf(page, 'c1'), 'Connected', 'still within the offline window');
    await page.getByRole('button', { name: '+16 minutes' }).click();
    await waitForStatus(page, 'c1', 'Offline');
    const timeline = page.locator('tr[data-id$="/connectedclusters/c1"] svg.timeline');
    await page.waitForFunction(() => document.querySelector('tr[data-id$="/connectedclusters/c1"] svg.timeline rect.s-Offline') !== null);
    assert.match(await timeline.getAttribute('aria-label') ?? '', /Connecting from .*, Connected from .*, Offline from /);
    await page.screenshot({ path: artifactPath('dashboard-offline.png'), fullPage: true });

    await page.getByRole('button', { name: '+91 days' }).click();
    await waitForStatus(page, 'c1', 'Expired');
    await page.waitForFunction(() => document.querySelector('#details svg.timeline rect.s-Expired') !== null);
    await page.screenshot({ path: artifactPath('dashboard-expired.png'), fullPage: true });

    await page.getByRole('button', { name: 'Connect agents', exact: true }).click();
    await page.waitForFunction(() => /409|refused|expired/i.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 10_000 });
  });

  it('freezes and unfreezes the clock', async () => {
    const freeze = page.locator('#clock-freeze');
    await freeze.click();
    await page.waitForFunction(() => document.querySelector('#clock-freeze')?.getAttribute('aria-pressed') === 'true');
    assert.equal((await controls(server).now()), server.services.clock.nowMs());
    assert.equal(server.services.clock.frozen, true);
    await freeze.click();
    await page.waitForFunction(() => document.querySelector('#clock-freeze')?.getAttribute('aria-pressed') === 'false');
    assert.equal(server.services.clock.frozen, false);
  });

  it('filters the request journal', async () => {
    const filter = page.locator('#journal-filter');
    await filter.getByLabel('Method').selectOption('PUT');
    await filter.getByLabel('Path contains').fill('fluxConfigurations');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('#journal tbody tr'));
      return rows.length > 0 && rows.every((r) => /PUT/.test(r.textContent ?? '') && /fluxconfigurations/i.test(r.textContent ?? ''));
    }, undefined, { timeout: 10_000 });
  });

  it('lists and deletes fault rules, and saves and restores snapshots', async () => {
    const rule = server.faults.add({ match: { method: 'GET', path: '/nothing-here' }, effect: { status: 503 } });
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    await page.locator('#faults').getByText(rule.id).waitFor();
    await page.getByRole('button', { name: `Delete fault rule ${rule.id}` }).click();
    await page.locator('#faults').getByText('No fault rules').waitFor();
    assert.equal(server.faults.list().length, 0);

    const save = page.locator('#snapshot-save');
    await save.getByLabel('Name').fill('before-delete');
    await save.getByRole('button', { name: 'Save snapshot' }).click();
    await page.getByRole('button', { name: 'Restore snapshot before-delete' }).waitFor();
    await arm.clusters.connectedClusterOperations.beginDeleteAndWait(GROUP, 'c1', { updateIntervalInMs: 10 });
    await page.waitForFunction(() => !document.querySelector('tr[data-id$="/connectedclusters/c1"]'), undefined, { timeout: 10_000 });
    await page.getByRole('button', { name: 'Restore snapshot before-delete' }).click();
    await page.locator('tr[data-id$="/connectedclusters/c1"]').waitFor();
  });

  it('works from the keyboard, and every field has a label', async () => {
    const unlabelled = await page.evaluate(() => Array.from(document.querySelectorAll('input, select'))
      .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
    assert.deepEqual(unlabelled, []);
    const nameless = await page.evaluate(() => Array.from(document.querySelectorAll('button')).filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim())).length);
    assert.equal(nameless, 0);
    // Close the details, then reach the cluster's button with Tab alone and open it with Enter.
    await page.keyboard.press('Escape');
    await page.locator('#details').waitFor({ state: 'hidden' });
    await page.locator('body').focus();
    let focused = '';
    for (let i = 0; i < 40 && !focused.startsWith('select:'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.dataset.select ? `select:${el.dataset.select}` : el?.textContent ?? '';
      });
    }
    assert.match(focused, /^select:.*\/connectedclusters\/c1$/);
    await page.keyboard.press('Enter');
    await page.locator('#details').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'details');
    await page.keyboard.press('Escape');
    await page.locator('#details').waitFor({ state: 'hidden' });
    assert.match(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.select ?? ''), /\/connectedclusters\/c1$/, 'focus goes back to the cluster');
  });

  it('asked nothing of any origin but Arclight\'s', () => {
    const origin = new URL(server.url).origin;
    const elsewhere = requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(elsewhere, []);
    assert.ok(requested.some((u) => u.includes('/oauth2/v2.0/token')), 'the page signed in with the token service');
  });
});

describe('e2e: the dashboard with --admin-key and --auth strict', function () {
  this.timeout(60_000);
  let server: TestServer;
  let browser: Browser;

  before(async function () {
    if (!findChromium()) {
      if (browserRequired()) throw new Error('chromium is not installed, and ARCLIGHT_TEST_REQUIRE_BROWSER=1 requires it');
      return this.skip();
    }
    server = await testServer({ auth: 'strict', adminKey: 'dashboard-key' });
    browser = await browserFor(server.url, server.caCertPem);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for the admin key, then reads ARM with a strict token', async () => {
    const page = await browser.newPage();
    await page.goto(server.dashboardUrl);
    const key = page.getByLabel('Admin key (--admin-key)');
    await key.waitFor();
    await key.fill('dashboard-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('body[data-loaded="true"]');
    assert.match(await page.locator('#instance').innerText(), /auth strict/);
    const reads = server.requests.list({ path: '/providers/Microsoft.Kubernetes/connectedClusters' });
    assert.ok(reads.length > 0 && reads.every((r) => r.status === 200 && r.principal === '00000000-0000-0000-0000-000000000002'), JSON.stringify(reads));
  });
});
