// The demo page in a real browser: Debian's chromium, headless, driven by playwright-core. The page
// is served by `layer4 web`'s server; the test sets the link, presses Run, watches the ladder grow,
// skips to the end and checks what was drawn against the same run computed in Node (the page runs
// the very same stack code), then switches to Korean. Screenshots go to artifacts/ (gitignored).
// Without /usr/bin/chromium (apt-get install chromium fonts-noto-cjk) the tests are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startWebServer, type WebServer } from '../src/cli/web.js';
import { DemoRun } from '../web/run.js';
import { formatCount } from '../web/strings.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install chromium fonts-noto-cjk)`;

let web: WebServer | undefined;
let context: BrowserContext | undefined;
let userDir: string | undefined;

before(async () => {
  if (skip !== false) return;
  web = await startWebServer({ port: 0 });
  userDir = mkdtempSync(join(tmpdir(), 'layer4-chromium-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1600, height: 1000 },
    locale: 'en-US',
  });
});

after(async () => {
  await context?.close();
  await web?.close();
  if (userDir !== undefined) rmSync(userDir, { recursive: true, force: true });
});

interface Watched {
  page: Page;
  errors: string[];
}

async function openPage(query = ''): Promise<Watched> {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(web!.url + query);
  await page.waitForSelector('body[data-state=idle]');
  return { page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('artifacts', { recursive: true });
  // The ladder scrolls inside its panel; show all of it for the picture.
  await page.evaluate("document.getElementById('ladder').classList.add('full')");
  await page.screenshot({ path: join('artifacts', name), fullPage: true });
  await page.evaluate("document.getElementById('ladder').classList.remove('full')");
}

const arrows = (page: Page): Promise<number> => page.locator('#ladder svg g.seg').count();

test('page: Run animates the ladder, the plot grows, and both match the same run in Node', { skip, timeout: 120_000 }, async () => {
  const { page, errors } = await openPage('?lang=en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const settings = { loss: '2', delay: '15', rate: '20', bytes: '200k', seed: '5' };
  for (const [id, value] of Object.entries(settings)) await page.fill(`#${id}`, value);
  await page.click('#run');
  await page.waitForSelector('body[data-state=running]');
  // The ladder is drawn arrow by arrow: after the handshake it is still far from complete.
  await page.locator('#ladder svg g.seg').nth(2).waitFor({ timeout: 30_000 });
  const early = await arrows(page);
  assert.equal(await page.getAttribute('body', 'data-state'), 'running');
  await page.click('#skip');
  await page.waitForSelector('body[data-state=done]', { timeout: 90_000 });

  const run = new DemoRun({ loss: 0.02, delayMs: 15, rateMbps: 20, bytes: 200 * 1024, seed: 5 });
  run.runToEnd();
  assert.equal(run.outcome.kind, 'done');
  const final = await arrows(page);
  assert.equal(final, run.ladder.shown, 'the page drew the arrows the Node run selects');
  assert.ok(early < final, `the ladder grew while running (${early} → ${final})`);
  assert.match((await page.locator('#ladder svg g.seg[data-from="0"]').first().locator('title').textContent()) ?? '', /^SYN seq=0 <mss=1460\b.*>$/);
  assert.match((await page.textContent('#ladder')) ?? '', /more segments not drawn here/);
  const stat = async (key: string): Promise<string> => ((await page.textContent(`#stats .${key} dd`)) ?? '').trim();
  const s = run.stats();
  assert.equal(await stat('statSegments'), formatCount(s.segments));
  assert.equal(await stat('statRetx'), formatCount(s.retransmissions));
  assert.equal(await stat('statLost'), formatCount(s.lost));
  assert.equal(await stat('statReceived'), `${formatCount(204_800)} / ${formatCount(204_800)} B`);
  assert.match((await page.textContent('#message')) ?? '', /204,800 bytes delivered in order and checked/);
  assert.match((await page.textContent('#plot')) ?? '', /204,800 bytes · loss 2 % · delay 15 ms · 20 Mbit\/s/);

  // The time-sequence plot: one bar per data segment, an ACK line, the cwnd panel.
  const dataSegments = run.recorder.trace.entries.filter((e) => e.kind === 'segment' && e.from === 0 && e.len > 0 && e.retransmission !== true).length;
  const bars = await page.$eval('#plot svg path.data', (p) => (p.getAttribute('d') ?? '').split('V').length - 1);
  assert.equal(bars, dataSegments);
  const ackPoints = await page.$eval('#plot svg path.ack-line', (p) => (p.getAttribute('d') ?? '').length);
  assert.ok(ackPoints > 100);
  if (s.retransmissions > 0) assert.ok((await page.locator('#plot svg path.retx').count()) === 1);
  assert.ok((await page.locator('#plot svg path.cwnd-line').count()) === 1, 'cwnd panel drawn');

  assert.deepEqual(errors, []);
  await screenshot(page, 'web-en.png');

  // Korean: the page, the ladder and the plot all switch, the run stays.
  await page.click('[data-lang=ko]');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.match((await page.textContent('#ladder')) ?? '', /3방향 핸드셰이크/);
  assert.match((await page.textContent('#plot')) ?? '', /204,800바이트 · 손실 2 % · 지연 15 ms · 20 Mbit\/s/);
  assert.match((await page.textContent('#plot')) ?? '', /상대 순서 번호/);
  assert.match((await page.textContent('#message')) ?? '', /204,800바이트/);
  assert.equal(await page.textContent('#run'), '실행');
  assert.equal(await arrows(page), final);
  assert.deepEqual(errors, []);
  await screenshot(page, 'web-ko.png');
  await page.close();
});

test('page: a bad value marks its field and nothing runs', { skip, timeout: 60_000 }, async () => {
  const { page, errors } = await openPage('?lang=en');
  await page.fill('#bytes', 'lots');
  await page.fill('#loss', '75');
  await page.click('#run');
  assert.equal(await page.getAttribute('#bytes', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#loss', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#delay', 'aria-invalid'), null);
  assert.match((await page.textContent('label[for=loss] .hint')) ?? '', /allowed: 0–50/);
  assert.equal(await page.getAttribute('body', 'data-state'), 'idle');
  assert.equal(await arrows(page), 0);
  await page.fill('#bytes', '3000');
  await page.fill('#loss', '0');
  await page.click('#run');
  await page.click('#skip');
  await page.waitForSelector('body[data-state=done]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('#bytes', 'aria-invalid'), null);
  assert.match(page.url(), /bytes=3000/, 'the URL records the settings');
  assert.deepEqual(errors, []);
  await page.close();
});
