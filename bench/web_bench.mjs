// The pages' figures against a running `quarter serve` (bench/web.sh starts one).
//   node bench/web_bench.mjs BASE_URL WEB_DIR ADMIN_TOKEN
// Prints: page weight per page (raw and gzip), time to interactive of /planner
// (navigation start -> the circle list drawn and the map's tiles loaded, median
// of 5 cold loads), tile fetch p50/p99 over HTTP, what-if POST p50 and the
// what-if click -> updated indicators in the page.  Figures only, no pass/fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [BASE, WEB, TOKEN] = process.argv.slice(2);
const require = createRequire(path.resolve('tests/web/package.json'));
const { chromium } = require('playwright-core');
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor((a.length * p) / 100))];

// ---- page weight ----
const weights = JSON.parse(fs.readFileSync(path.join(WEB, 'weights.json'), 'utf8'));
for (const [page, raw] of Object.entries(weights)) {
  const html = fs.readFileSync(path.join(WEB, page), 'utf8');
  const files = [page, ...[...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])];
  // with the chunks each entry imports
  const seen = new Set();
  const queue = files.filter((f) => f.endsWith('.js'));
  while (queue.length) {
    const f = queue.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    const text = fs.readFileSync(path.join(WEB, f), 'utf8');
    for (const m of text.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) queue.push('/assets/' + m[1]);
  }
  const all = new Set([...files, ...seen]);
  let gz = 0;
  for (const f of all) gz += zlib.gzipSync(fs.readFileSync(path.join(WEB, f))).length;
  console.log(`weight ${page.padEnd(14)} ${(raw / 1024).toFixed(1).padStart(6)} KB raw  ${(gz / 1024).toFixed(1).padStart(6)} KB gzip`);
}

// ---- tiles over HTTP ----
const map = await (await fetch(BASE + '/api/v1/map')).json();
const [w, s, e, n] = map.bounds;
const tile = (lon, lat, z) => {
  const x = Math.floor(((lon + 180) / 360) * 2 ** z);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  return [x, y];
};
if (map.tiles.startsWith('/')) {
  const times = [];
  for (let i = 0; i < 300; i++) {
    const z = 13 + (i % 5);
    const [x, y] = tile(w + ((e - w) * ((i * 37) % 100)) / 100, s + ((n - s) * ((i * 53) % 100)) / 100, z);
    const t0 = performance.now();
    const r = await fetch(`${BASE}/api/v1/tiles/${z}/${x}/${y}.png`);
    await r.arrayBuffer();
    times.push(performance.now() - t0);
  }
  console.log(`tiles  300 over HTTP (z13-17)  p50 ${pct(times, 50).toFixed(2)} ms  p99 ${pct(times, 99).toFixed(2)} ms`);
}

// ---- what-if over HTTP ----
const cx = (w + e) / 2, cy = (s + n) / 2;
const wt = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const r = await fetch(BASE + '/api/v1/planner/whatif', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + TOKEN },
    body: JSON.stringify({ add: [{ lon: cx + i * 1e-3, lat: cy, category: 'B03' }], circle_id: 1 }),
  });
  await r.text();
  if (r.status !== 200) {
    console.log(`what-if: HTTP ${r.status}`);
    break;
  }
  wt.push(performance.now() - t0);
}
if (wt.length) console.log(`what-if POST (1 outlet, circle 1 and the city)  p50 ${pct(wt, 50).toFixed(1)} ms  max ${Math.max(...wt).toFixed(1)} ms`);

// ---- /planner time to interactive, what-if click in the page ----
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const tti = [];
let clickMs = null;
for (let i = 0; i < 5; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript((tok) => localStorage.setItem('qt.session', JSON.stringify({ token: tok, role: 'admin', name: 'admin' })), TOKEN);
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(BASE + '/planner');
  await page.locator('ul.circles button').first().waitFor({ timeout: 60000 });
  for (let k = 0; k < 200; k++) {
    const loaded = await page.evaluate(() => [...document.querySelectorAll('.leaflet-tile')].filter((t) => t.complete && t.naturalWidth).length);
    if (loaded >= 4) break;
    await page.waitForTimeout(10);
  }
  tti.push(Date.now() - t0);
  if (i === 4) {
    await page.locator('ul.circles button').first().click();
    await page.locator('#plan-category').selectOption('B03');
    await page.locator('#plan-mode').selectOption('whatif');
    const bb = await page.locator('#map').boundingBox();
    const c0 = Date.now();
    await page.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2);
    await page.locator('#circle td.after').first().waitFor({ timeout: 120000 });
    clickMs = Date.now() - c0;
  }
  await ctx.close();
}
await browser.close();
console.log(`/planner interactive (circles listed, 4 tiles drawn), 5 cold loads: median ${pct(tti, 50)} ms, max ${Math.max(...tti)} ms`);
if (clickMs !== null) console.log(`what-if click -> indicators before/after shown: ${clickMs} ms`);
