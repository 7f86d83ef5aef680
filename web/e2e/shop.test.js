// End-to-end: `miniapp dev` (debug build) serving examples/shop-web and a second app, driven in
// Debian's headless Chromium through playwright-core. Run by web/e2e/run.sh.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createMockBridge } from '../bridge-mock/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const binary = process.env.MINIAPP_BIN ?? path.join(root, 'target/debug/miniapp');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = path.join(root, 'target/e2e');

let tmp;
let server;
let port;
let context;
let serverOutput = '';

const appUrl = (id) => `http://${id}.localhost:${port}/`;

async function waitFor(what, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- miniapp dev output ---\n${serverOutput}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openApp(id, readyGlobal) {
  const page = await context.newPage();
  await page.goto(appUrl(id));
  await page.waitForFunction((g) => document.getElementById('status')?.textContent === 'ready' && !!window[g], readyGlobal);
  return page;
}

before(async () => {
  assert.ok(fs.existsSync(binary), `${binary} is missing: build it with \`cargo build -p miniapp\``);
  assert.ok(fs.existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'miniapp-e2e-'));
  // A copy, so the live-reload test can edit it.
  fs.cpSync(path.join(root, 'examples/shop-web'), path.join(tmp, 'shop-web'), { recursive: true });
  // A project from the web template, as a partner starts one (`miniapp new`).
  const made = spawnSync(binary, ['new', 'hello-web', '--lang', 'web', '--permissions', 'storage',
    '--id', 'com.example.hello-web'], { cwd: tmp, encoding: 'utf8' });
  assert.equal(made.status, 0, `miniapp new failed: ${made.stderr}`);
  server = spawn(binary, ['dev', path.join(tmp, 'shop-web'), path.join(here, 'fixtures/notes'),
    path.join(tmp, 'hello-web/app'),
    '--port', '0', '--data', path.join(tmp, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverOutput += d; });
  server.stderr.on('data', (d) => { serverOutput += d; });
  port = await waitFor('the simulator to listen', () => serverOutput.match(/http:\/\/localhost:(\d+)\/__inspector/)?.[1], 60000);

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  server?.kill();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the page `miniapp new --lang web` makes runs: it counts its launches in bridge storage', async () => {
  const page = await openApp('com.example.hello-web', 'app');
  assert.deepEqual(await page.evaluate(() => window.app.answer), { hello: 'world', language: 'web', launches: 1 });
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready' && !!window.app);
  assert.deepEqual(JSON.parse(await page.locator('#greeting').textContent()), { hello: 'world', language: 'web', launches: 2 });
  // It declares only storage: anything else is denied by the host.
  const denied = await page.evaluate(() => window.app.bridge.ui.toast('hi').then(() => 'answered', (e) => e.code));
  assert.equal(denied, 'PERMISSION_DENIED');
  await page.close();
});

test('the shop page loads over its own origin and storage.set/get round-trips', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  assert.equal(await page.evaluate(() => location.origin), `http://com.acme.shop.localhost:${port}`);
  const value = { n: 1, text: 'héllo', list: [1, 2, 3], nested: { ok: true } };
  const read = await page.evaluate(async (v) => {
    await window.shop.bridge.storage.set('probe', v);
    return window.shop.bridge.storage.get('probe');
  }, value);
  assert.deepEqual(read, value);
  await page.close();
});

test('the cart persists in bridge storage, a payment goes through and the cart empties', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  await page.click('button[data-sku="tea"]');
  await page.click('button[data-sku="mug"]');
  await page.click('button[data-sku="tea"]');
  await page.waitForFunction(() => document.getElementById('total').textContent === '21.00 EUR');
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  assert.equal(await page.textContent('#total'), '21.00 EUR', 'the cart came back from bridge storage');
  fs.mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'shop-web.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = fs.readFileSync(shot);
  assert.ok(png.length > 1000 && png.subarray(1, 4).toString() === 'PNG', 'a PNG screenshot was written');
  console.log(`# screenshot: ${shot} (${png.length} bytes)`);

  await page.click('#checkout');
  await page.waitForFunction(() => document.getElementById('receipt').textContent.startsWith('Paid: transaction'));
  assert.equal(await page.textContent('#total'), '0.00 EUR');
  const receipt = await page.evaluate(() => window.shop.bridge.storage.get('lastReceipt'));
  assert.equal(receipt.amountMinor, 2100);
  assert.equal(receipt.currency, 'EUR');
  await page.close();
});

test('"Scan product": the host\'s scanner behind camera consent, the cart and a haptic', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  // `camera` is sensitive: the simulator's consent says yes; `haptics` needs no prompt.
  const states = await page.evaluate(() => window.shop.bridge.settings.permissions());
  const state = (p) => states.find((s) => s.permission === p)?.state;
  assert.deepEqual([state('camera'), state('haptics')], ['granted', 'granted'], JSON.stringify(states));

  // The simulator's scanner reads its sample QR code, which is no product: the page says so,
  // buzzes an error and leaves the cart alone.
  await page.click('#scan');
  await page.waitForFunction(() => document.getElementById('scan-message').dataset.status === 'unknown');
  assert.equal(await page.textContent('#scan-message'), 'No product has the code https://example.com/miniapp');
  assert.equal(await page.textContent('#total'), '0.00 EUR');

  // A product's barcode: the scanner's answer is scripted in the page (the simulator's scanner
  // reads only its sample); storage and haptics are the host's. Added, with a success haptic.
  const added = await page.evaluate(async () => {
    const bridge = { ...window.shop.bridge, media: { scanCode: async () => ({ text: '4006381333931', format: 'ean-13' }) } };
    return window.shop.scanProduct(bridge);
  });
  assert.deepEqual([added.status, added.sku, added.haptic, added.message], ['added', 'tea', true, 'Added Green tea']);
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  assert.equal(await page.textContent('#total'), '4.50 EUR', 'the scanned tea is in the cart in bridge storage');

  const recording = await (await fetch(`http://localhost:${port}/__inspector/recording.json?app=com.acme.shop`)).json();
  const scans = recording.filter((c) => c.method === 'media.scanCode');
  assert.deepEqual(scans.at(-1).result, { text: 'https://example.com/miniapp', format: 'qr' });
  const haptics = recording.filter((c) => c.method === 'haptics.notify').map((c) => [c.params.kind, c.error?.code ?? 'ok']);
  assert.deepEqual(haptics.slice(-2), [['error', 'ok'], ['success', 'ok']]);

  // Empty the cart again for the tests after this one.
  await page.evaluate(() => window.shop.bridge.storage.set('cart', []));
  await page.close();
});

test('a method the manifest does not declare answers PERMISSION_DENIED', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  const error = await page.evaluate(() => window.shop.bridge.geolocation.currentPosition().then(
    () => null,
    (e) => ({ code: e.code, name: e.constructor.name }),
  ));
  assert.deepEqual(error, { code: 'PERMISSION_DENIED', name: 'BridgeError' });
  await page.close();
});

test('two apps cannot read each other\'s localStorage, bridge storage or bridge socket', async () => {
  const shop = await openApp('com.acme.shop', 'shop');
  await shop.evaluate(async () => {
    localStorage.setItem('secret', 'shop-only');
    await window.shop.bridge.storage.set('secret', 'shop-bridge-only');
  });
  assert.equal(await shop.evaluate(() => localStorage.getItem('secret')), 'shop-only');

  const notes = await openApp('com.acme.notes', 'notes');
  assert.equal(await notes.evaluate(() => localStorage.getItem('secret')), null);
  assert.equal(await notes.evaluate(() => window.notes.bridge.storage.get('secret')), null);
  // WebSockets ignore CORS. The page's CSP (connect-src) stops this socket in the browser; the
  // simulator's own Origin check refuses it for clients without a CSP (cli/tests/dev.rs).
  const crossSocket = await notes.evaluate((p) => new Promise((resolve) => {
    const ws = new WebSocket(`ws://com.acme.shop.localhost:${p}/__bridge`);
    ws.onopen = () => resolve('opened');
    ws.onerror = () => resolve('refused');
  }), port);
  assert.equal(crossSocket, 'refused');
  await shop.close();
  await notes.close();
});

test('a page reaches only its own origin: the CSP a host applies stops a fetch to another app', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  const outcome = await page.evaluate(async (p) => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
    const own = await fetch('/index.html').then((r) => r.status, () => 'failed');
    const other = await fetch(`http://com.acme.notes.localhost:${p}/index.html`).then(() => 'fetched', () => 'failed');
    await new Promise((r) => setTimeout(r, 200)); // violation events arrive asynchronously
    return { own, other, violations };
  }, port);
  assert.equal(outcome.own, 200);
  assert.equal(outcome.other, 'failed');
  assert.deepEqual(outcome.violations.map((v) => v.directive), ['connect-src']);
  assert.ok(outcome.violations[0].blocked.startsWith(`http://com.acme.notes.localhost:${port}`), outcome.violations[0].blocked);
  await page.close();
});

test('median round-trip of 1,000 bridge calls from the page', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  const stats = await page.evaluate(async () => {
    const bridge = window.shop.bridge;
    await bridge.storage.set('bench', { n: 1 });
    for (let i = 0; i < 50; i++) await bridge.storage.get('bench');
    const times = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      await bridge.storage.get('bench');
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: times[500], p90: times[900], max: times[999] };
  });
  console.log(`# bridge round-trip from the page (storage.get over the simulator WebSocket, 1,000 calls): median ${(stats.median * 1000).toFixed(0)} µs, p90 ${(stats.p90 * 1000).toFixed(0)} µs, max ${(stats.max * 1000).toFixed(0)} µs`);
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'bridge-roundtrip.json'), JSON.stringify(stats));
  assert.ok(stats.median > 0 && stats.median < 50, `median ${stats.median} ms`);
  await page.close();
});

test('the inspector lists calls live and its recording replays in the mock bridge', async () => {
  const inspector = await context.newPage();
  await inspector.goto(`http://localhost:${port}/__inspector`);
  // The backlog (the last 500 calls) arrives first: the benchmark's calls.
  await inspector.waitForFunction(() => document.querySelectorAll('#calls tr').length >= 500);
  // Calls made now show up live, with app, params summary, duration and outcome.
  const shop = await openApp('com.acme.shop', 'shop');
  await shop.evaluate(async () => {
    await window.shop.bridge.storage.get('live-marker');
    await window.shop.bridge.geolocation.currentPosition().catch(() => {});
  });
  await inspector.waitForFunction(() => [...document.querySelectorAll('#calls tr')].some((tr) => tr.cells[2].textContent === 'geolocation.currentPosition'));
  const row = await inspector.evaluate(() => {
    const tr = [...document.querySelectorAll('#calls tr')].find((r) => r.textContent.includes('live-marker'));
    return [...tr.cells].map((c) => c.textContent);
  });
  assert.deepEqual([row[1], row[2], row[3], row[5]], ['com.acme.shop', 'storage.get', '{"key":"live-marker"}', 'ok']);
  assert.ok(Number(row[4]) >= 0);
  const denied = await inspector.evaluate(() => [...document.querySelectorAll('#calls tr')].some((tr) => tr.cells[2].textContent === 'geolocation.currentPosition' && tr.cells[5].textContent === 'PERMISSION_DENIED'));
  assert.ok(denied, 'the denied call is listed with its code');

  // Filters: only denied calls, then only storage.get calls of the shop.
  await inspector.selectOption('#outcome', 'denied');
  const deniedOnly = await inspector.evaluate(() => [...document.querySelectorAll('#calls tr')].filter((r) => !r.hidden).map((r) => [r.cells[5].textContent, r.className]));
  assert.ok(deniedOnly.length > 0, 'some denied calls are shown');
  assert.ok(deniedOnly.every(([outcome, cls]) => outcome === 'PERMISSION_DENIED' && cls === 'denied'), JSON.stringify(deniedOnly.slice(0, 3)));
  await inspector.selectOption('#outcome', '');
  await inspector.selectOption('#method', 'storage.get');
  await inspector.selectOption('#app', 'com.acme.shop');
  const methods = await inspector.evaluate(() => [...new Set([...document.querySelectorAll('#calls tr')].filter((r) => !r.hidden).map((r) => r.cells[2].textContent))]);
  assert.deepEqual(methods, ['storage.get']);

  // The detail view of one call: its params, its result, its timing.
  await inspector.evaluate(() => [...document.querySelectorAll('#calls tr')].find((r) => r.textContent.includes('live-marker')).click());
  const shownDetail = await inspector.evaluate(() => ({
    title: document.querySelector('#detail h2').textContent,
    params: JSON.parse(document.querySelector('#detail pre.params').textContent),
    result: document.querySelector('#detail pre.result')?.textContent,
    facts: document.querySelector('#detail dl').textContent,
  }));
  assert.match(shownDetail.title, /^#\d+ storage\.get$/);
  assert.deepEqual(shownDetail.params, { key: 'live-marker' });
  assert.equal(shownDetail.result, 'null', 'storage.get of a missing key answers null');
  assert.match(shownDetail.facts, /duration\d+ µs/);

  // Per-method counts with p50/p99, over the calls shown, and a waterfall bar on each row.
  await inspector.waitForFunction(() => document.querySelectorAll('#stats tr').length === 1 && document.querySelector('#stats tr').cells[0].textContent === 'storage.get');
  const stat = await inspector.evaluate(() => [...document.querySelector('#stats tr').cells].map((c) => Number(c.textContent)));
  const [, count, deniedCount, failed, p50, p99] = stat;
  assert.ok(count > 100, `${count} storage.get calls`);
  assert.deepEqual([deniedCount, failed], [0, 0]);
  assert.ok(p50 >= 0 && p50 <= p99, `p50 ${p50} µs, p99 ${p99} µs`);
  const bars = await inspector.evaluate(() => [...document.querySelectorAll('#calls tr')].filter((r) => !r.hidden).map((r) => parseFloat(r.cells[6].firstChild.style.width)));
  assert.ok(bars.length === count && bars.every((w) => w >= 0.5 && w <= 100), 'every shown call has a waterfall bar');

  await inspector.selectOption('#method', '');
  await inspector.selectOption('#app', '');
  const inspectorShot = path.join(artifacts, 'inspector.png');
  await inspector.setViewportSize({ width: 1400, height: 900 });
  await inspector.screenshot({ path: inspectorShot, fullPage: true });
  const inspectorPng = fs.readFileSync(inspectorShot);
  assert.ok(inspectorPng.length > 1000 && inspectorPng.subarray(1, 4).toString() === 'PNG');
  console.log(`# screenshot: ${inspectorShot} (${inspectorPng.length} bytes)`);
  await inspector.close();
  await shop.close();

  const recording = await (await fetch(`http://localhost:${port}/__inspector/recording.json?app=com.acme.shop`)).json();
  assert.ok(recording.length > 1000, `${recording.length} recorded calls`);
  assert.ok(recording.some((c) => c.method === 'payment.pay' && c.result?.amountMinor === 2100));
  assert.ok(recording.some((c) => c.method === 'ui.toast' && c.result === null && c.params.message === 'Paid 21.00 EUR'));
  assert.ok(recording.some((c) => c.error?.code === 'PERMISSION_DENIED'));
  fs.writeFileSync(path.join(artifacts, 'recording.json'), JSON.stringify(recording, null, 2));

  // Replayed into the mock, the same calls get the same answers.
  const mock = createMockBridge({ permissions: [] });
  mock.replay(recording, { matchParams: true });
  for (const entry of recording) {
    const answer = await mock.call(entry.method, entry.params).then((result) => ({ result }), (e) => ({ error: e.code }));
    if (entry.error) assert.deepEqual(answer, { error: entry.error.code }, entry.method);
    else assert.deepEqual(answer, { result: entry.result }, entry.method);
  }
  mock.assertReplayComplete();
});

test('editing a file reloads the open page', async () => {
  const page = await openApp('com.acme.shop', 'shop');
  const file = path.join(tmp, 'shop-web/index.html');
  await new Promise((r) => setTimeout(r, 300)); // a different mtime than the copy's
  const reloaded = page.waitForEvent('load', { timeout: 15000 });
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('<h1>Acme Shop</h1>', '<h1>Acme Shop (edited)</h1>'));
  await reloaded;
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Acme Shop (edited)');
  await page.close();
});
