// Browser tests of the pages: each role's main journey in Debian's chromium
// (driven by playwright-core, no browser download) against a real
// `quarter serve` on a loopback port with the sample project.
//   node journeys.mjs QUARTER REPO_DIR OUT_DIR
// - a resident finds a 便利店 within 10 minutes, opens its route and claims a
//   coupon (through the page when the server lists a shop's coupons, else
//   through the API); the merchant issues the coupon and redeems the code, and
//   a second redemption fails; an operator edits a shop's hours and the
//   resident's next search shows them; the planner opens a circle, sees its
//   grade, turns on the 盲区 layer and adds a what-if outlet that raises a
//   coverage figure;
// - screenshots of every page at 375 and 1280 px in OUT_DIR; pixel checks that
//   the map is drawn and that the 盲区 colour appears;
// - no console errors, no failed requests; the English switch changes texts.
// Prints one line per check and "N passed, N failed"; exits 1 on a failure,
// 77 (skipped) without chromium or playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodePng, countNear } from './png.mjs';

const [QUARTER, REPO, OUT] = process.argv.slice(2);
const CHROMIUM = '/usr/bin/chromium';
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('skip: playwright-core is not installed (npm ci in tests/web)');
  process.exit(77);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log('skip: no /usr/bin/chromium (scripts/install-deps.sh installs it)');
  process.exit(77);
}
fs.mkdirSync(OUT, { recursive: true });
for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f));

let passed = 0, failed = 0;
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (ok) passed++;
  else failed++;
}

// ---- the server with the sample store -------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qt-web-'));
const PLAN = path.join(REPO, 'tests/cli/data/plan/base.project');
const PBF = path.join(REPO, 'data/nanjing-xuanwu/nanjing_xuanwu.osm.pbf');
const q = (...args) => execFileSync(QUARTER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
q('graph', 'build', PBF, '-o', `${work}/g.qgraph`);
q('import', '--db', `${work}/s.db`, PLAN);
fs.writeFileSync(`${work}/pw`, 'correct-horse-1\n');
const uid = {};
for (const [name, role] of [['admin', 'admin'], ['merchant', 'merchant'], ['resident', 'resident']])
  uid[name] = q('user', 'add', '--db', `${work}/s.db`, '--name', name, '--role', role, '--password-file', `${work}/pw`);
q('user', 'link', '--db', `${work}/s.db`, '--user', uid.merchant, '--outlet', '1');
uid.merchant2 = q('user', 'add', '--db', `${work}/s.db`, '--name', 'merchant2', '--role', 'merchant', '--password-file', `${work}/pw`);
for (const o of ['3', '2']) q('user', 'link', '--db', `${work}/s.db`, '--user', uid.merchant2, '--outlet', o);

const srv = spawn(QUARTER, ['serve', '--db', `${work}/s.db`, '--graph', `${work}/g.qgraph`, '--port', '0', '--threads', '4',
  '--project', PLAN], { stdio: ['ignore', 'pipe', 'pipe'] });
let srvErr = '';
process.on('exit', () => srv.exitCode === null && srv.kill('SIGKILL'));
srv.stderr.on('data', (d) => (srvErr += d));
const base = await new Promise((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('serve did not start: ' + srvErr)), 60000);
  srv.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (m) {
      clearTimeout(timer);
      resolve(`http://127.0.0.1:${m[1]}`);
    }
  });
  srv.on('exit', (code) => reject(new Error(`serve exited ${code}: ${srvErr}`)));
});

async function call(method, p, body, token) {
  const r = await fetch(base + '/api/v1' + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, doc: await r.json().catch(() => null) };
}
const tok = {};
for (const n of ['admin', 'merchant', 'merchant2', 'resident']) tok[n] = (await call('POST', '/auth/login', { name: n, password: 'correct-horse-1' })).doc.token;
// an operator of circle 1, made by the admin as the API says
check((await call('POST', '/users', { name: 'operator', password: 'correct-horse-1', role: 'operator', circle_id: 2 }, tok.admin)).status === 201,
  'setup: the admin creates the operator of circle 2 (西圈, where the resident lives)');

// the quick what-if (one bounded search per outlet) equals a whole new analysis
{
  const add = [{ lon: 118.7790, lat: 32.0440, category: 'B03' }, { lon: 118.7870, lat: 32.0400, category: 'B01' }];
  const quick = await call('POST', '/planner/whatif', { add }, tok.admin);
  const full = await call('POST', '/planner/whatif', { add, full: true }, tok.admin);
  let same = quick.status === 200 && full.status === 200 && quick.doc.method === 'quick' && full.doc.method === 'full';
  // the quick answer lists the city and the circles it changes; the full one every circle
  const byName = (d) => new Map([['city', d.after.city], ...d.after.circles.map((c) => [c.name, c])]);
  const areas = (d) => [d.after.city, ...d.after.circles];
  let worst = 0;
  if (same) {
    const fm = byName(full.doc);
    areas(quick.doc).forEach((qa, i) => {
      const fa = i === 0 ? full.doc.after.city : fm.get(qa.name);
      for (const [code, v] of Object.entries(qa.indicators.coverage)) {
        const fv = fa.indicators.coverage[code].value;
        if ((v.value === null) !== (fv === null)) same = false;
        else if (v.value !== null) worst = Math.max(worst, Math.abs(v.value - fv));
      }
      worst = Math.max(worst, Math.abs(qa.indicators.residents_all_basic.value - fa.indicators.residents_all_basic.value));
    });
  }
  check(same && worst < 1e-3, `what-if: the quick update equals a full analysis (largest difference ${worst})`);
  // one after another (each run clears what it marked): every quick answer still equals the full one
  let seqWorst = 0, seqSame = true;
  for (const extra of [[{ lon: 118.7740, lat: 32.0490, category: 'B03' }], [{ lon: 118.7900, lat: 32.0380, category: 'B05' }, { lon: 118.7790, lat: 32.0440, category: 'B03' }]]) {
    const qk = await call('POST', '/planner/whatif', { add: extra }, tok.admin);
    const fl = await call('POST', '/planner/whatif', { add: extra, full: true }, tok.admin);
    if (qk.status !== 200 || fl.status !== 200) { seqSame = false; break; }
    const fm = byName(fl.doc);
    [qk.doc.after.city, ...qk.doc.after.circles].forEach((qa, i) => {
      const fai = i === 0 ? fl.doc.after.city : fm.get(qa.name);
      for (const [code, v] of Object.entries(qa.indicators.coverage)) {
        const fv = fai.indicators.coverage[code].value;
        if ((v.value === null) !== (fv === null)) seqSame = false;
        else if (v.value !== null) seqWorst = Math.max(seqWorst, Math.abs(v.value - fv));
      }
      seqWorst = Math.max(seqWorst, Math.abs(qa.indicators.residents_all_basic.value - fai.indicators.residents_all_basic.value));
    });
  }
  check(seqSame && seqWorst < 1e-3, `what-if: quick what-ifs one after another still equal full analyses (largest difference ${seqWorst})`);
  // without circle_id the quick answer lists the city and just the circles it changes (a city has thousands)
  {
    const one = [{ lon: 118.7720080, lat: 32.0500670, category: 'B03' }]; // at a residence of 西圈
    const qk = await call('POST', '/planner/whatif', { add: one }, tok.admin);
    const fl = await call('POST', '/planner/whatif', { add: one, full: true }, tok.admin);
    const changed = fl.status === 200 ? fl.doc.after.circles.filter((c) => {
      const b = fl.doc.before.circles.find((x) => x.name === c.name);
      return b && JSON.stringify(b.indicators.coverage) !== JSON.stringify(c.indicators.coverage);
    }).map((c) => c.name).sort() : null;
    const listed = qk.status === 200 ? qk.doc.after.circles.map((c) => c.name).sort() : null;
    check(listed && changed && listed.length > 0 && listed.length < fl.doc.after.circles.length &&
      listed.join() === changed.join() && qk.doc.before.circles.map((c) => c.name).sort().join() === listed.join(),
      `what-if without circle_id: the quick answer lists just the circles it changes (${listed && listed.join('、')} of ${fl.doc && fl.doc.after.circles.length})`);
  }
  const bad = await call('POST', '/planner/whatif', { add: [{ lon: 118.78, lat: 32.04, category: 'XX' }] }, tok.admin);
  check(bad.status === 422 && bad.doc.field === 'add', 'what-if: an unknown 业态 is 422');
  const many = await call('POST', '/planner/whatif', { add: Array(21).fill(add[0]) }, tok.admin);
  check(many.status === 422, 'what-if: more than 20 outlets is 422');
}

// every planner layer is GeoJSON with features on the sample
for (const name of ['outlets', 'residences', 'blind', 'sites', 'circles']) {
  const r = await call('GET', `/planner/layers/${name}${name === 'outlets' ? '' : '?category=B03'}`);
  check(r.status === 200 && r.doc.type === 'FeatureCollection' && r.doc.features.length > 0,
    `planner layer ${name}: ${r.status}, ${r.doc && r.doc.features ? r.doc.features.length : 0} features`);
}
const trends = await call('GET', '/planner/trends');
check(trends.status === 200 && trends.doc.circles.length >= 2 && trends.doc.circles.every((c) => c.snapshots.length >= 1),
  'planner trends: every circle has its import snapshot');

// a merchant's own shops; the address box's places
{
  const one = await call('GET', '/me/outlets', null, tok.merchant);
  const two = await call('GET', '/me/outlets', null, tok.merchant2);
  const res = await call('GET', '/me/outlets', null, tok.resident);
  check(one.status === 200 && one.doc.outlets.map((o) => o.id).join() === '1' && !!one.doc.outlets[0].name &&
    two.status === 200 && two.doc.outlets.map((o) => o.id).join() === '2,3' && res.status === 403,
    `me/outlets: the merchant's linked shops (${one.doc.outlets.map((o) => o.id)}; ${two.doc.outlets.map((o) => o.id)}), 403 for a resident`);
  const com = await call('GET', '/places?q=' + encodeURIComponent('社区甲'));
  const cir = await call('GET', '/places?q=' + encodeURIComponent('西圈'));
  const c0 = com.doc.places[0], k0 = cir.doc.places[0];
  check(com.status === 200 && c0.kind === 'community' && c0.name === '社区甲' && c0.circle === '西圈' &&
    Math.abs(c0.lon - 118.775) < 0.01 && Math.abs(c0.lat - 32.05) < 0.01 && k0.kind === 'circle' && k0.name === '西圈',
    `places: 社区甲 is a community of 西圈 at ${c0.lon.toFixed(4)},${c0.lat.toFixed(4)}; 西圈 is a circle`);
  const shop = await call('GET', '/places?q=' + encodeURIComponent('超市') + '&limit=3');
  check(shop.status === 200 && shop.doc.places.length === 3 && shop.doc.places.every((p) => p.kind === 'outlet' && p.name.includes('超市') && p.id > 0),
    'places: outlets by name, at most limit');
  check((await call('GET', '/places')).status === 400, 'places: q is required');
}

// ---- the browser -------------------------------------------------------------------
const problems = [];
const EXPECTED = [[/^\/api\/v1\/redemptions$/, 409]];
const OPTIONAL = [/^\/api\/v1\/me\//, /^\/api\/v1\/coupons\/codes\//, /^\/api\/v1\/goods/, /^\/api\/v1\/outlets\/\d+\/goods/, /^\/api\/v1\/coupons$/,
  /^\/api\/v1\/complaints$/];
// one browser (playwright gives it a fresh temporary profile), one context per
// role: each role has its own localStorage, so its own session
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const contexts = [];
async function newContext() {
  const c = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    geolocation: { longitude: 118.7770, latitude: 32.0500 }, // a street corner near a 便利店
    permissions: ['geolocation'],
    locale: 'zh-CN',
  });
  c.setDefaultTimeout(15000);
  contexts.push(c);
  return c;
}

function watch(page, role) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // the endpoints of the platform issue (11) that this server may lack answer 404 and the pages degrade
    const u = m.location() && m.location().url ? new URL(m.location().url, base).pathname : '';
    if (/status of 404/.test(m.text()) && OPTIONAL.some((re) => re.test(u))) return;
    // errors a journey provokes on purpose (a second redemption)
    if (EXPECTED.some(([re, st]) => re.test(u) && m.text().includes(`status of ${st}`))) return;
    problems.push(`${role}: console error: ${m.text()} ${u}`);
  });
  page.on('pageerror', (e) => problems.push(`${role}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Leaflet cancels the tiles of a view it leaves (net::ERR_ABORTED): not a failure
    if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`${role}: request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    // 404 from endpoints the platform issue adds (the pages degrade) are expected; anything else >= 500 is not
    if (r.status() >= 500) problems.push(`${role}: ${r.status()} ${u.pathname}`);
  });
}

async function newPage(role, width) {
  const page = await (await newContext()).newPage();
  await page.setViewportSize({ width, height: width < 500 ? 812 : 900 });
  watch(page, role);
  return page;
}

async function login(page, name) {
  await page.goto(base + '/login');
  await page.evaluate(() => localStorage.clear());
  await page.goto(base + '/login');
  await page.getByLabel('用户名').first().fill(name);
  await page.getByLabel('密码').first().fill('correct-horse-1');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: '登录', exact: true }).click()]);
}

async function shot(page, name, fullPage = false) {
  const file = path.join(OUT, name + '.png');
  await page.screenshot({ path: file, fullPage });
  return file;
}

async function mapImage(page) {
  // polled with evaluate: waitForFunction would need eval, which the pages' CSP forbids
  for (let i = 0; i < 100; i++) {
    const loaded = await page.evaluate(() => [...document.querySelectorAll('.leaflet-tile')].filter((t) => t.complete && t.naturalWidth).length);
    if (loaded >= 2) break;
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300);
  return decodePng(await page.locator('#map').screenshot());
}

const STREET = [[255, 255, 255]];
const BACKGROUND = [[0xee, 0xea, 0xe2]];
// the 盲区 fill (#d0021b at 45% over the base map) and its outline
const BLIND = [[208, 2, 27], [224, 130, 137], [209, 106, 116]];

const opened = [];
try {
// ---- merchant: issues a coupon batch ----------------------------------------------------
const merchant = await newPage('merchant', 1280);
await login(merchant, 'merchant');
check(new URL(merchant.url()).pathname === '/merchant', 'merchant: logging in opens /merchant');
// the page knows my shop (GET /me/outlets): no shop number to type
const shop1 = (await call('GET', '/outlets/1')).doc.name;
await merchant.locator('#shop-pick').waitFor();
check((await merchant.locator('#shop-pick').textContent()) === `我的店铺：${shop1}` && (await merchant.locator('input[name=outlet]').count()) === 0 &&
  (await merchant.locator('#h-mer-shop').locator('..').getByText(shop1).count()) === 1,
  `merchant: the page shows my shop ${shop1} without asking for its number`);
await merchant.getByLabel('优惠内容').fill('满30减5');
await merchant.getByRole('button', { name: '发放', exact: true }).click();
const issued = await merchant.getByText(/已发放（编号 \d+）/).textContent();
const couponId = Number(issued.match(/编号 (\d+)/)[1]);
check(couponId > 0, `merchant: issues a coupon batch (no. ${couponId})`);

// ---- resident: a 便利店 within 10 minutes, its route, a coupon --------------------------
const resident = await newPage('resident', 375);
await login(resident, 'resident');
check(new URL(resident.url()).pathname === '/', 'resident: logging in opens /');
// the address box finds a community, a circle and shops, each said for what it is
await resident.getByLabel('小区、社区或地址').fill('社区甲');
await resident.getByRole('button', { name: '查找' }).click();
const placeBtn = resident.locator('#places button.place', { hasText: '社区甲' }).first();
await placeBtn.waitFor();
check((await placeBtn.locator('.kind').textContent()) === '社区', 'resident: the address box finds 社区甲 and says it is a 社区');
await placeBtn.click();
await resident.getByText('已定位到社区：社区甲').waitFor();
await resident.getByLabel('小区、社区或地址').fill('超市');
await resident.getByRole('button', { name: '查找' }).click();
await resident.locator('#places button.place').first().waitFor();
const kinds = await resident.locator('#places .kind').allTextContents();
check(kinds.length > 0 && kinds.every((k) => k === '网点'), `resident: 超市 finds ${kinds.length} 网点`);
await resident.getByLabel('小区、社区或地址').fill('西圈');
await resident.getByRole('button', { name: '查找' }).click();
await resident.locator('#places .kind', { hasText: '生活圈' }).first().waitFor();
check(true, 'resident: 西圈 is found as a 生活圈');
await shot(resident, 'journey-resident-places-375');
await resident.getByRole('button', { name: '定位我' }).click();
await resident.getByText('已定位').first().waitFor();
await resident.getByLabel('业态').selectOption('B01');
await resident.getByLabel('步行时间').selectOption('10');
await resident.getByRole('button', { name: '搜索', exact: true }).click();
await resident.locator('ol.results li').first().waitFor();
const walks = await resident.locator('ol.results .walk').allTextContents();
const mins = walks.map((w) => Number(w.match(/(\d+) 分钟/)[1]));
check(mins.length > 0 && mins.every((m) => m <= 10) && mins.join() === [...mins].sort((a, b) => a - b).join(),
  `resident: ${mins.length} 便利店 within 10 minutes, nearest first (${mins.join(', ')} min)`);
const metas = await resident.locator('ol.results .meta').allTextContents();
check(metas.every((m) => m.includes('便利店')), 'resident: every result is a 便利店');
const img = await mapImage(resident);
const streets = countNear(img, STREET, 3), ground = countNear(img, BACKGROUND, 3);
check(streets > img.width * img.height * 0.01 && ground > img.width * img.height * 0.1,
  `resident: the base map is drawn (${streets} street and ${ground} ground pixels)`);
const firstName = (await resident.locator('ol.results .name').first().textContent()).trim();
await resident.locator('ol.results button.result').first().click();
await resident.getByRole('heading', { name: firstName }).waitFor();
await resident.getByRole('button', { name: '步行导航' }).click();
const routeInfo = await resident.getByText(/步行 \d+ 分钟，\d+ 米/).textContent();
check(/步行 \d+ 分钟/.test(routeInfo), `resident: the route to ${firstName}: ${routeInfo}`);
const routeImg = decodePng(await resident.locator('#map').screenshot());
check(countNear(routeImg, [[0x1a, 0x5f, 0xb4], [0x3e, 0x79, 0xbf]], 30) > 100, 'resident: the route is drawn on the map');
await shot(resident, 'journey-resident-route-375');
// the coupon: through the page when the server lists a shop's coupons (issue 11), else the API
let code = null;
const claimBtn = resident.locator('#shop .coupon button');
await resident.waitForTimeout(500);
if (await claimBtn.count()) {
  await claimBtn.first().click();
  code = (await resident.getByText(/已领取，券码 /).textContent()).replace(/.*券码 /, '').trim();
  check(!!code, `resident: claims the coupon on the shop's page (${code})`);
} else {
  const r = await call('POST', `/coupons/${couponId}/claim`, null, tok.resident);
  code = r.doc && r.doc.code;
  console.log('note: this server lists no coupons of a shop yet (issue 11); the claim goes through the API');
  check(r.status === 201 && !!code, 'resident: claims the coupon (API)');
}

// ---- merchant: redeems the code once ------------------------------------------------
await merchant.getByLabel('券码').fill(code);
await merchant.getByRole('button', { name: '核销', exact: true }).click();
await merchant.getByText('核销成功').waitFor();
check(true, 'merchant: redeems the code');
await merchant.getByLabel('券码').fill(code);
await merchant.getByRole('button', { name: '核销', exact: true }).click();
await merchant.getByText('此券已核销过，不能重复使用。').waitFor();
check(true, 'merchant: a second redemption of the code fails');
await shot(merchant, 'journey-merchant-1280');

// ---- a merchant with two shops picks one ------------------------------------------
{
  const m2 = await newPage('merchant2', 375);
  await login(m2, 'merchant2');
  const sel = m2.getByLabel('我的店铺');
  await sel.waitFor();
  const names = (await m2.locator('#shop-pick option').allTextContents()).map((x) => x.split(' · ')[0]);
  const [n2, n3] = [(await call('GET', '/outlets/2')).doc.name, (await call('GET', '/outlets/3')).doc.name];
  await sel.selectOption('3');
  await m2.locator('#h-mer-shop').locator('..').getByText(n3).waitFor();
  check(names.join() === [n2, n3].join(), `merchant2: picks ${n3} from its two shops (${names.join(', ')})`);
  await shot(m2, 'journey-merchant2-pick-375');
  await m2.close();
}

// ---- operator: edits a shop's hours; the resident sees them ---------------------------
const operator = await newPage('operator', 1280);
await login(operator, 'operator');
check(new URL(operator.url()).pathname === '/operator', 'operator: logging in opens /operator');
await operator.getByText('满意度调查进度').waitFor();
await operator.getByLabel('生活圈编号').fill('2');
await operator.getByRole('button', { name: '查看' }).click();
await operator.getByText('西圈').first().waitFor();
const progress = await operator.getByText(/已收 \d+ 份 \/ 至少 50 份/).textContent();
check(/至少 50 份/.test(progress), `operator: the survey's progress against the 50-answer rule (${progress})`);
await operator.locator('ul.outlets summary').first().waitFor();
// a shop of circle 2 that the resident can walk to within 15 minutes
tok.operator = (await call('POST', '/auth/login', { name: 'operator', password: 'correct-horse-1' })).doc.token;
const mine = (await call('GET', '/planner/circles/2/outlets', null, tok.operator)).doc.outlets;
const near = (await call('GET', '/nearby?lon=118.7770&lat=32.0500&minutes=15&limit=100')).doc.outlets;
const target = near.find((o) => o.name && mine.some((m) => m.id === o.id));
const shopName = target.name;
const item = operator.locator('ul.outlets li', { has: operator.locator('summary', { hasText: shopName }) }).first();
await item.locator('summary').click();
const hours = 'Mo-Su 06:30-23:30';
await item.getByLabel(/营业时间/).fill(hours);
await item.getByRole('button', { name: '保存' }).click();
await operator.getByText('已保存').waitFor();
check(true, `operator: edits the hours of ${shopName}`);
await shot(operator, 'journey-operator-1280');
await resident.getByLabel('业态').selectOption('');
await resident.getByLabel('关键词或商品').fill(shopName);
await resident.getByLabel('步行时间').selectOption('15');
await resident.getByRole('button', { name: '搜索', exact: true }).click();
await resident.locator('ol.results button.result').first().waitFor();
await resident.locator('ol.results button.result', { hasText: shopName }).first().click();
await resident.locator('#shop dd', { hasText: hours }).waitFor();
check(true, `resident: the next search shows ${shopName}'s new hours`);

// ---- planner: a circle, its grade, the 盲区 layer, a what-if --------------------------
const planner = await newPage('planner', 1280);
await login(planner, 'admin');
await planner.goto(base + '/planner');
await planner.locator('ul.circles button').first().waitFor();
const circleName = (await planner.locator('ul.circles .name').first().textContent()).trim();
await planner.locator('ul.circles button').first().click();
const grade = await planner.locator('#circle .grade strong').textContent();
check(grade.length > 0, `planner: opens ${circleName}, grade ${grade}`);
// the reasons come as data (indicators.why) and read in the page's language
{
  const pc = (await call('GET', '/planner/circles', null, tok.admin)).doc.circles.find((c) => c.name === circleName);
  const why = pc && pc.indicators && pc.indicators.why;
  const text = (await planner.locator('#circle .reasons').textContent()).trim();
  check(Array.isArray(why) && why.length > 0 && why.every((g) => typeof g.reached === 'boolean' && g.rules.every((r) => r.rule && 'pass' in r))
    && /^原因：(达到|未达)/.test(text) && text.includes('基本保障类业态') && !/basic|quality|present|not /.test(text),
  `planner: ${circleName}'s reasons from indicators.why in Chinese: ${text.slice(0, 60)}`);
}
const planImg = await mapImage(planner);
check(countNear(planImg, STREET, 3) > 500, 'planner: the base map is drawn');
await planner.getByLabel('盲区').check();
await planner.locator('path.leaflet-interactive').first().waitFor();
await planner.waitForTimeout(300);
const blindImg = decodePng(await planner.locator('#map').screenshot());
const red = countNear(blindImg, BLIND, 16);
check(red > 200, `planner: the 盲区 colour appears (${red} pixels)`);
await shot(planner, 'journey-planner-blind-1280');
// what-if: a 菜市场 (B03) where the circle has none
await planner.getByLabel('盲区').uncheck();
await planner.getByLabel('业态').selectOption('B03');
await planner.getByLabel('点击地图时').selectOption('whatif');
const before = (await planner.locator('#circle tr', { hasText: '菜市场' }).locator('td').first().textContent()).trim();
const bb = await planner.locator('#map').boundingBox();
const resp = planner.waitForResponse((r) => r.url().endsWith('/api/v1/planner/whatif'));
await planner.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2);
check((await resp).status() === 200, 'planner: the what-if is computed');
await planner.locator('#circle tr.changed', { hasText: '菜市场' }).waitFor();
const after = (await planner.locator('#circle tr', { hasText: '菜市场' }).locator('td.after').textContent()).trim();
check(parseFloat(after) > parseFloat(before), `planner: a what-if 菜市场 raises ${circleName}'s coverage (${before} -> ${after})`);
await shot(planner, 'journey-planner-whatif-1280');
// the hour of day: coverage with only the outlets open at 23:00
const hourResp = planner.waitForResponse((r) => r.url().includes('/api/v1/planner/circles?hour=23'));
await planner.getByLabel('时段').fill('23');
check((await hourResp).status() === 200 && (await planner.getByText('时段：23:00').count()) === 1,
  'planner: the hour slider recomputes the circles at 23:00');
// the English switch
await planner.getByRole('button', { name: '切换语言' }).click();
check((await planner.locator('h1').textContent()) === 'Planner dashboard', 'planner: the English switch changes the texts');
await planner.locator('ul.circles button').first().click();
{
  const text = (await planner.locator('#circle .reasons').textContent()).trim();
  check(/^Why: (not )?\S+: /.test(text) && text.includes('basic categories present'), `planner: the reasons in English: ${text.slice(0, 60)}`);
}
await planner.getByRole('button', { name: 'Switch language' }).click();
check((await planner.locator('h1').textContent()) === '规划看板', 'planner: and back to Chinese');

// ---- every page at 375 and 1280 px, in Chinese and in English, as the role that uses it
// no horizontal scroll, nothing cut at the right edge, touch targets >= 44 px,
// no raw message key; English headings and labels hold no Chinese (data aside)
const zhCat = JSON.parse(fs.readFileSync(path.join(REPO, 'web/common/i18n/zh-CN.json'), 'utf8'));
const enCat = JSON.parse(fs.readFileSync(path.join(REPO, 'web/common/i18n/en.json'), 'utf8'));
const prefixes = [...new Set(Object.keys(zhCat).filter((k) => k.includes('.')).map((k) => k.split('.')[0]))];
const pages = [['/', 'resident', 'resident'], ['/merchant', 'merchant', 'merchant'], ['/operator', 'operator', 'operator'],
  ['/planner', 'planner', 'admin'], ['/login', 'login', null]];
const layoutBad = [], keysBad = [], langBad = [];
for (const lng of ['zh-CN', 'en']) {
  for (const width of [375, 1280]) {
    const p = await newPage('screens', width);
    for (const [url, name, who] of pages) {
      if (who) await login(p, who);
      else {
        await p.goto(base + '/login');
        await p.evaluate(() => localStorage.clear());
      }
      await p.evaluate((l) => localStorage.setItem('qt.lang', l), lng);
      await p.goto(base + url);
      await p.locator('h1').waitFor();
      await p.waitForLoadState('networkidle');
      if (url === '/operator') { // show a circle, so its grade, reasons and outlets are on the page
        await p.getByLabel(lng === 'en' ? 'Circle number' : '生活圈编号').fill('2');
        await p.getByRole('button', { name: lng === 'en' ? 'Show' : '查看' }).click();
        await p.locator('ul.outlets summary').first().waitFor();
      }
      if (url === '/planner') {
        await p.locator('ul.circles button').first().click();
        await p.locator('#circle .grade strong').waitFor();
      }
      const info = await p.evaluate(([prefixes, en]) => {
        const cw = document.documentElement.clientWidth;
        const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
        const desc = (e) => `${e.tagName.toLowerCase()} "${(e.textContent || e.value || '').trim().slice(0, 24)}"`;
        const small = [...document.querySelectorAll('button, a, input, select, textarea, summary')].filter((e) => {
          if (!visible(e) || e.closest('.leaflet-control-attribution') || e.classList.contains('file-hidden')) return false;
          if (e.matches('.skip') && e.getBoundingClientRect().left < 0) return false; // off screen until focused
          const r = (e.closest('label') || e).getBoundingClientRect();
          return r.height < 44 || r.width < 44;
        }).map((e) => desc(e) + ` ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`);
        const cut = [...document.querySelectorAll('h1, h2, h3, .brand, #nav a, #lang, button, label, p')].filter((e) => visible(e) &&
          !e.closest('.leaflet-container') && (e.getBoundingClientRect().right > cw + 1 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible'))).map(desc);
        const text = document.body.innerText;
        const keyRe = new RegExp(`(^|[^\\w.])(${prefixes.join('|')})\\.[a-z][a-z0-9_]*(?![\\w.])`, 'g');
        const keys = [...text.matchAll(keyRe)].map((m) => m[0].trim());
        // a null or undefined written as text (DOM replaceChildren(null) does that)
        for (const m of text.matchAll(/(^|\s)(null|undefined|NaN|\[object Object\])(?=\s|$)/g)) keys.push(m[2]);
        const cjk = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
        const chrome = [...document.querySelectorAll('h1, h2, h3, label, legend, th[scope=col], .hint, .note, #nav a, #lang, button.primary, option')]
          .filter((e) => visible(e) || e.tagName === 'OPTION').filter((e) => !e.closest('#shop-pick, .leaflet-container, [translate=no]'));
        const wrong = en ? chrome.filter((e) => cjk.test(e.textContent) && !/^(\S+ · )?(退出|登录)$/.test(e.textContent) && e.id !== 'lang').map(desc) : [];
        return { scroll: document.documentElement.scrollWidth > cw, small, cut, keys, wrong };
      }, [prefixes, lng === 'en']);
      const where = `${url} ${lng} ${width}px`;
      if (info.scroll) layoutBad.push(`${where}: scrolls sideways`);
      if (info.small.length) layoutBad.push(`${where}: small targets ${info.small.slice(0, 4).join(', ')}`);
      if (info.cut.length) layoutBad.push(`${where}: cut ${info.cut.slice(0, 4).join(', ')}`);
      if (info.keys.length) keysBad.push(`${where}: ${info.keys.slice(0, 6).join(', ')}`);
      if (info.wrong.length) langBad.push(`${where}: ${info.wrong.slice(0, 6).join(', ')}`);
      await shot(p, `${name}-${lng}-${width}`, true);
    }
    await p.close();
  }
}
check(layoutBad.length === 0, `every page at 375 and 1280 px in both languages: no sideways scroll, nothing cut, targets >= 44 px${layoutBad.length ? ':\n  ' + layoutBad.join('\n  ') : ''}`);
check(keysBad.length === 0, `no raw message key (nor null, undefined, NaN) on any page in either language${keysBad.length ? ':\n  ' + keysBad.join('\n  ') : ''}`);
check(langBad.length === 0, `the English pages' headings, labels and options hold no Chinese${langBad.length ? ':\n  ' + langBad.join('\n  ') : ''}`);
// the catalogues: the same keys in both, and every key the pages' code names is in them
{
  const onlyZh = Object.keys(zhCat).filter((k) => !(k in enCat)), onlyEn = Object.keys(enCat).filter((k) => !(k in zhCat));
  const used = new Set();
  const walk = (d) => { for (const f of fs.readdirSync(d, { withFileTypes: true })) {
    const full = path.join(d, f.name);
    if (f.isDirectory() && f.name !== 'node_modules' && f.name !== 'i18n') walk(full);
    else if (f.name.endsWith('.js')) {
      const code = fs.readFileSync(full, 'utf8').split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
      for (const m of code.matchAll(/\b(?:t|field|section)\('([a-z][\w.]*\w)'(?!\s*\+)/g)) used.add(m[1]);
    }
  } };
  walk(path.join(REPO, 'web'));
  const missing = [...used].filter((k) => !(k in zhCat) || !(k in enCat));
  check(onlyZh.length === 0 && onlyEn.length === 0 && missing.length === 0 && used.size > 100,
    `catalogues: ${Object.keys(zhCat).length} keys in both, ${used.size} named in the code${onlyZh.length + onlyEn.length + missing.length ? ': only zh ' + onlyZh + '; only en ' + onlyEn + '; missing ' + missing : ''}`);
}
// a page a role may not use says so
const denied = await newPage('denied', 375);
await login(denied, 'resident');
await denied.goto(base + '/merchant');
check(await denied.getByRole('alert').filter({ hasText: '此页面供' }).count() === 1, 'resident: /merchant says it is for merchants');

} catch (e) {
  check(false, 'journey stopped: ' + e.message.split('\n')[0]);
  for (const [i, p] of contexts.flatMap((c) => c.pages()).entries()) await p.screenshot({ path: path.join(OUT, `failure-${i}.png`) }).catch(() => {});
}
check(problems.length === 0, `no console errors, no failed requests${problems.length ? ':\n  ' + problems.join('\n  ') : ''}`);
await browser.close();
srv.kill('SIGTERM');
console.log(`screenshots in ${OUT}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
