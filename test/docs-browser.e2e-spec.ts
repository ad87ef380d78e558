import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { CHROMIUM_FLAGS, chromiumBinary } from './support/chromium';
import { ROOT } from './support/cli';
import { createDatabase, dropDatabase } from './support/postgres';

// Debian's Chromium, installed by scripts/ensure-chromium.sh where it can be (root with apt, as on CI).
const binary = chromiumBinary();
const describeWithChromium = binary ? describe : describe.skip;
if (!binary) console.warn('chromium is not installed and cannot be installed here: the /docs browser spec is skipped');

/** Where the spec leaves its screenshot (FF_TEST_OUTPUT_DIR, or test-output/ in the repository, ignored by git). */
const OUTPUT = join(process.env.FF_TEST_OUTPUT_DIR ?? join(ROOT, 'test-output'), 'docs-browser');
/** Not localhost, which browsers treat as secure: plain HTTP under a real-looking name, as on a LAN or behind a proxy. */
const HOST = 'fourfold.example.test';

jest.setTimeout(300_000);

describeWithChromium('Swagger UI at /docs in headless Chromium, over plain HTTP on a host name', () => {
  let url: string;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    url = await createDatabase('browser');
    app = await startApp({ DATABASE_URL: url, PARTITION_MAINTENANCE_ENABLED: 'false' });
    browser = await chromium.launch({
      executablePath: binary!,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (url) await dropDatabase(url);
  });

  it('renders the operations and runs one with a token ("Try it out"), with no CSP violation', async () => {
    const port = new URL(app.baseUrl).port;
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));

    await page.goto(`http://${HOST}:${port}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(40);

    await page.locator('button.authorize').first().click();
    await page.locator('.auth-container input').first().fill(app.adminToken);
    await page.locator('.auth-btn-wrapper button.authorize').click();
    await page.locator('.auth-btn-wrapper button.btn-done, .auth-btn-wrapper button.close-modal, button.btn-done').first().click();

    const operation = page.locator('.opblock-get', { has: page.locator('[data-path="/status/database"]') });
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 60_000 });
    expect((await status.innerText()).trim()).toBe('200');
    expect(await operation.locator('.live-responses-table').innerText()).toContain('generated_at');

    await status.scrollIntoViewIfNeeded();
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'docs.png'), fullPage: false });
    expect(problems).toEqual([]);
  });
});
