// node ops/tour.mjs --base URL --key KEY --out DIR
// Signs in to the console of a service running the demo market (ops/run --demo) and saves one screenshot per view
// (docs/screenshots/tour-*.png, used by the README's "Tour"). Uses the system chromium (TOKENLEDGER_CHROMIUM).
import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { base: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' } } });
const views = [
  ['operator', '#/operator', 'en'],
  ['finance', '#/finance', 'en'],
  ['tenant-acme', '#/tenant/acme', 'en'],
  ['tenant-coder-li', '#/tenant/coder-li', 'en'],
  ['distributor-cloudmart', '#/distributor/cloudmart', 'en'],
  ['distributor-devshop', '#/distributor/devshop', 'en'],
  ['operator-zh', '#/operator', 'zh'],
];

const browser = await chromium.launch({ executablePath: process.env.TOKENLEDGER_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(`${values.base}/console/`);
  await page.fill('#key', values.key);
  await page.press('#key', 'Enter');
  await page.waitForSelector('#nav a');
  for (const [name, hash, lang] of views) {
    await page.evaluate(l => sessionStorage.setItem('tl-lang', l), lang);
    await page.goto(`${values.base}/console/${hash}`);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#main table, #main .card', { timeout: 30_000 });
    await page.waitForTimeout(3_000); // the views fetch their figures after the first paint
    const errors = await page.locator('[data-testid=error]').allTextContents();
    if (errors.length) throw new Error(`${name}: the console shows an error: ${errors.join('; ')}`);
    const file = `${values.out}/tour-${name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(`saved ${file}`);
  }
} finally {
  await browser.close();
}
