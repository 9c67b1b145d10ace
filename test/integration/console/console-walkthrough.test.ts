/**
 * The admin console in Debian's Chromium (playwright-core), on the real API, worker, Temporal dev
 * server, slapd with the demo directory and the Concur simulator: a new user's walk from an empty
 * state to provisioned users, bad input beside its field, and a read-only key.
 * With OUTBOUND_CONSOLE_SCREENSHOTS=<dir> each page is also saved there (npm run web:screenshots).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client as LdapClient } from 'ldapts';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { EngineHarness, DEMO_TOKEN, eventually } from '../../support/engine-harness';
import { startApi } from '../../support/api-client';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { createTestKey } from '../../support/api-keys';
import { ensureConsoleBuilt, launchBrowser } from '../../support/browser';
import { createRuntimeDeps } from '../../../src/app/runtime';

const h = new EngineHarness();
let app: FastifyInstance;
let baseUrl: string;
let adminKey: string;
let ldap: TestLdap;
let browser: Browser;
let poisoned: string;
const shots = process.env.OUTBOUND_CONSOLE_SCREENSHOTS;

async function shot(page: Page, name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${baseUrl}/ui/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

beforeAll(async () => {
  ensureConsoleBuilt();
  ldap = await ensureLdap();
  // One demo person whose create Concur refuses: the walk opens their explanation.
  const client = new LdapClient({ url: ldap.url });
  await client.bind(ldap.bindDn, ldap.bindPassword);
  const { searchEntries } = await client.search(`ou=people,${ldap.baseDn}`, { filter: '(&(objectClass=inetOrgPerson)(employeeNumber=E100010))', attributes: ['mail'] });
  await client.unbind();
  poisoned = String(searchEntries[0].mail).toLowerCase();
  await h.start({ realSources: true, simulator: { faults: { poison: { [poisoned]: { message: 'Simulated: this login is taken' } } } } });
  ({ app, baseUrl, adminKey } = await startApi({ client: h.client, store: h.store, taskQueue: h.taskQueue, temporalUiUrl: 'http://127.0.0.1:8233', openTarget: createRuntimeDeps(h.store).openTarget }));
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h.stop();
  await ldap?.stop();
}, 60_000);

describe('admin console', () => {
  it('walks a new user from an empty state to users provisioned, paused and resumed, and a failure explained', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${baseUrl}/ui/`);
    await shot(page, 'sign-in');
    await signIn(page, adminKey);
    // Browser-side code as text: the root tsconfig has no DOM types.
    expect(await page.evaluate('[sessionStorage.length, localStorage.length, document.cookie]')).toEqual([1, 0, '']);
    await page.getByText('No channel yet').waitFor();

    // 1. the datastore on the demo slapd, tested
    await page.getByRole('link', { name: 'Datastores' }).click();
    const dsForm = page.getByRole('form', { name: 'New datastore' });
    await dsForm.getByLabel('Id').fill('directory');
    await dsForm.getByLabel('LDAP URLs').fill(ldap.url);
    await dsForm.getByLabel('Bind DN').fill(ldap.bindDn);
    await dsForm.getByLabel('Bind password').fill(ldap.bindPassword);
    await dsForm.getByRole('button', { name: 'Save datastore' }).click();
    await page.getByText('Saved datastore directory').waitFor();
    expect(await dsForm.getByLabel('Bind password').inputValue()).toBe(''); // nothing holds the secret after submit
    await page.getByRole('button', { name: 'Test connection directory' }).click();
    const dsChecks = page.getByRole('list', { name: 'Checks of directory' });
    await dsChecks.locator('[data-check="source-filter"]').getByText(/\d+ entries in scope/).waitFor();
    expect(await dsChecks.locator('li.fail').count()).toBe(0);
    await shot(page, 'datastores');

    // 2. the connection from the Concur template, with the metadata import, against the simulator
    await page.getByRole('link', { name: 'Connections' }).click();
    const cnForm = page.getByRole('form', { name: 'New connection' });
    await cnForm.getByLabel('Id').fill('concur');
    await cnForm.getByLabel('SAML metadata (saml-metadata.xml)').setInputFiles(join(__dirname, '..', '..', '..', 'config', 'concur-saml-metadata.xml'));
    await cnForm.getByLabel('Concur API base URL').fill(h.simulator.url);
    await cnForm.getByLabel('Allow http (simulator on this machine only)').check();
    await cnForm.getByLabel('OAUTH_ACCESS_TOKEN').fill(DEMO_TOKEN);
    await cnForm.getByRole('button', { name: 'Save connection' }).click();
    await page.locator('[data-saved="concur"]').waitFor();
    const stored = await h.store.getConnection('concur');
    expect(stored?.entityId).toBeTruthy(); // General Info came from the metadata
    expect(stored?.connectionType).toEqual({ outboundProvisioning: true, browserSso: false });
    await page.getByRole('button', { name: 'Test credentials concur' }).click();
    await page.getByRole('list', { name: 'Checks of concur' }).getByText('Concur accepted the credentials').waitFor();
    await shot(page, 'connections');

    // 3. the wizard: half way, save a draft, reload, finish
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('link', { name: 'New channel' }).click();
    await page.getByLabel('Channel id').fill('people');
    await page.getByLabel('Name', { exact: true }).fill('Demo people');
    await shot(page, 'wizard-info');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Datastore').selectOption('directory');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Source settings' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Base DN').fill(`ou=people,${ldap.baseDn}`);
    await page.getByLabel('Exclude these DNs / GUIDs').fill(`uid=concur-admin,ou=people,${ldap.baseDn}`);
    await page.getByRole('button', { name: 'Count entries in scope' }).click();
    await page.getByRole('list', { name: 'Scope checks' }).locator('[data-check="source-filter"].ok').waitFor();
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('status').getByText('Draft people saved').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Source location' }).waitFor();
    await eventually('the draft to load after the reload', async () => (await page.getByLabel('Base DN').inputValue()) === `ou=people,${ldap.baseDn}`);
    // The list shows the draft with what it still lacks.
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.locator('[data-row="draft-people"]').getByText(/missing: .*Target/).waitFor();
    await shot(page, 'channels');
    await page.locator('[data-row="draft-people"]').getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Attribute mapping' }).click();
    // Required fields are marked and checked before the step is left.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('[data-field="mapping/userName"]').getByText('Concur requires this field').waitFor();
    const source = async (field: string, attribute: string) => {
      await page.getByLabel(`${field}: value from`, { exact: true }).selectOption('source');
      await page.getByLabel(`${field}: value`, { exact: true }).fill(attribute);
    };
    for (const [field, attribute] of [['userName', 'mail'], ['name.givenName', 'givenName'], ['name.familyName', 'sn']]) await source(field, attribute);
    await page.getByLabel('userName: case', { exact: true }).selectOption('lower');
    await page.evaluate('scrollTo(0, 0)');
    await shot(page, 'wizard-mapping');
    await page.getByLabel('Show every Concur field').check();
    for (const [field, attribute] of [['emails.work', 'mail'], ['employeeNumber', 'employeeNumber']]) await source(field, attribute);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Connection').selectOption('concur');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Review and activate' }).waitFor();
    await page.getByText('mapping/userName/source').waitFor();

    // 4. activate, each check shown
    await page.getByRole('button', { name: 'Activate' }).click();
    const checks = page.getByRole('list', { name: 'Activation checks' });
    await checks.locator('[data-check="target-credentials"].ok').waitFor({ timeout: 60_000 });
    for (const name of ['mapping', 'datastore']) expect(await checks.locator(`[data-check="${name}"].ok`).count()).toBe(1);
    await shot(page, 'wizard-review');

    // 5. users arrive in the dashboard and in the simulator
    await page.getByRole('link', { name: 'Open dashboard' }).click();
    await page.locator('[data-count="create"]').filter({ hasText: /^[1-9]\d*$/ }).waitFor({ timeout: 120_000 });
    await page.locator('table[aria-label="Recent cycles"] tbody tr').first().waitFor();
    const simUsers = await eventually('users in the simulator', async () => {
      const users = (await (await fetch(`${h.simulator.url}/_sim/users`)).json()) as unknown[];
      return users.length > 10 && users;
    });
    expect(simUsers.length).toBeGreaterThan(10);
    await shot(page, 'dashboard');

    // 6. pause and resume
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('phase').getByText('paused').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await h.control.status('people')).paused).toBe(false);

    // A dry run's diff, as a table (after the first cycle finished).
    await eventually('the first cycle to finish', async () => (await h.control.status('people')).lastCycle, 120_000);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.getByRole('table', { name: 'Dry run diff' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-cycle]').filter({ hasText: 'dry run' }).first().waitFor();

    // 7. a failed user's explanation
    // The demo directory has names longer than Concur allows (refused by the mapping), and the
    // simulator refuses one login: any failed user, once audited, has its explanation.
    const failedGuid = await eventually(
      'a failed user with its audit',
      async () => {
        for (const u of await h.store.listFailed('people', 50)) {
          if ((await h.store.listAudit('people', { guid: u.guid, limit: 5 })).some((a) => a.outcome === 'failed')) return u.guid;
        }
        return undefined;
      },
      120_000,
    );
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.locator(`[data-guid="${failedGuid}"]`).getByRole('link').click();
    const trail = page.getByRole('list', { name: 'Audit trail' });
    await trail.locator('[data-outcome="failed"]').getByText(/refused it: .+/).first().waitFor();
    await shot(page, 'users');
    // Provision now: the failed user is tried again at once and the answer explained.
    await page.getByRole('button', { name: 'Provision now' }).click();
    await page.getByRole('list', { name: 'Provision result' }).getByText(/failed/).waitFor();
    await page.getByRole('link', { name: 'Audit' }).first().click();
    await page.getByLabel('Outcome').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('table', { name: 'Audit entries' }).getByText(failedGuid).first().waitFor();
    await shot(page, 'audit');
    await page.close();
  }, 300_000);

  it('shows bad input beside the field the problem names', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, adminKey);
    await page.goto(`${baseUrl}/ui/#/datastores`);
    const form = page.getByRole('form', { name: 'New datastore' });
    await form.getByLabel('Id').fill('Bad Id');
    await form.getByLabel('LDAP URLs').fill('http://not-ldap');
    await form.getByLabel('Bind DN').fill('cn=x');
    await form.getByLabel('Bind password').fill('x');
    await form.getByRole('button', { name: 'Save datastore' }).click();
    await form.locator('[data-field="urls"]').getByText('must be an ldap:// or ldaps:// URL').waitFor();
    await form.locator('[data-field="id"]').waitFor();
    expect(await form.getByLabel('LDAP URLs').getAttribute('aria-invalid')).toBe('true');
    expect(await h.store.getDatastore('bad-id')).toBeUndefined();
    // 390 px wide: nothing overflows sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'datastores-390-bad-input');

    await page.goto(`${baseUrl}/ui/#/connections`);
    const cn = page.getByRole('form', { name: 'New connection' });
    await cn.getByLabel('Id').fill('no-token');
    await cn.getByLabel('Concur API base URL').fill('http://example.com');
    await cn.getByRole('button', { name: 'Save connection' }).click();
    await cn.locator('[data-field="accessToken"]').waitFor();
    // With a token, the plain-http URL is named next.
    await cn.getByLabel('OAUTH_ACCESS_TOKEN').fill('some-token-value');
    await cn.getByRole('button', { name: 'Save connection' }).click();
    await cn.locator('[data-field="baseUrl"]').getByText(/https/).waitFor();
    expect(await h.store.getConnection('no-token')).toBeUndefined();
    await page.close();
  }, 120_000);

  it('gives a read-only key no edit controls, and the API refuses it anyway', async () => {
    const readKey = await createTestKey(h.store, 'read', 'console-reader');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, readKey);
    await page.getByRole('link', { name: 'Dashboard' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'New channel' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await page.goto(`${baseUrl}/ui/#/channel/people`);
    await page.getByTestId('phase').waitFor();
    await shot(page, 'dashboard-read-only');
    for (const name of ['Pause', 'Resume', 'Sync now', 'Dry run']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    await page.goto(`${baseUrl}/ui/#/datastores`);
    await page.locator('[data-row="directory"]').waitFor();
    expect(await page.getByRole('form', { name: 'New datastore' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Test connection/ }).count()).toBe(0);
    await page.goto(`${baseUrl}/ui/#/connections`);
    await page.locator('[data-row="concur"]').waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.goto(`${baseUrl}/ui/#/wizard/people`);
    await page.getByRole('heading', { name: 'Channel info' }).waitFor();
    expect(await page.getByRole('button', { name: 'Save as draft' }).count()).toBe(0);
    expect(await page.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    // The key itself can change nothing, whatever the page shows.
    const statuses = await page.evaluate(`(async () => {
      const headers = { authorization: 'Bearer ' + sessionStorage.getItem('outbound.apiKey'), 'content-type': 'application/json' };
      const post = (path, body) => fetch(path, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.status);
      return [await post('/api/v1/datastores', { id: 'x', type: 'ldap', urls: ['ldap://x'], bindDn: 'a', bindPassword: 'b' }), await post('/api/v1/channels/people/pause', {}), await post('/api/v1/channels?draft=true', { id: 'y' })];
    })()`);
    expect(statuses).toEqual([403, 403, 403]);
    expect((await h.control.status('people')).paused).toBe(false);
    await page.close();
  }, 120_000);
});
