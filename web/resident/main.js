// Resident page (/): mobile first.  Locate me, search by 业态 / keyword /
// goods / 生活缴费 within 5-15 walking minutes, results by walking time with
// pins, a shop's page with its route, coupons and complaint form; my
// coupons with the code and its QR image; jobs nearby; the survey of my
// circle.  The last search and my coupons are kept for a flaky network.
import '../common/style.css';
import { api, optional, query, session, ApiError } from '../common/api.js';
import { t } from '../common/i18n.js';
import { boot, h, field, section, toast, errorText, minutes } from '../common/ui.js';
import { createMap } from '../common/map.js';
import { CATEGORIES } from '../common/categories.js';

const state = { lon: 118.7785, lat: 32.0451, marker: null, pins: null, route: null, m: null, last: null };
const KEEP = 'qt.resident.last';

function remember(key, value) {
  try {
    localStorage.setItem(KEEP + '.' + key, JSON.stringify(value));
  } catch {
    /* full or private mode: nothing kept */
  }
}
function recall(key) {
  try {
    return JSON.parse(localStorage.getItem(KEEP + '.' + key));
  } catch {
    return null;
  }
}

function setHere(lon, lat) {
  state.lon = lon;
  state.lat = lat;
  const { L, toMap, map } = state.m;
  if (state.marker) state.marker.remove();
  state.marker = L.circleMarker(toMap(lon, lat), { radius: 9, color: '#fff', weight: 3, fillColor: '#1a5fb4', fillOpacity: 1 })
    .addTo(map)
    .bindTooltip(t('res.where'));
  remember('here', [lon, lat]);
}

function locate() {
  if (!navigator.geolocation) return toast(t('res.geo_denied'), 'error');
  navigator.geolocation.getCurrentPosition(
    (p) => {
      // the browser reports WGS-84, which the API speaks; the map converts
      setHere(p.coords.longitude, p.coords.latitude);
      state.m.map.setView(state.m.toMap(state.lon, state.lat), 16);
      toast(t('res.located'));
    },
    () => toast(t('res.geo_denied'), 'error'),
    { enableHighAccuracy: true, timeout: 8000 },
  );
}

// an address, 小区, community or circle name: GET /places finds them in the
// planning analysis (社区, 生活圈, 小区) and the store (网点); the list says
// which each is, and choosing one puts me there
async function findPlace(text, box) {
  const r = await api('GET', '/places' + query({ q: text, limit: 8 }));
  const places = (r && r.places) || [];
  box.replaceChildren();
  if (!places.length) {
    box.append(h('p', { role: 'status' }, t('res.place_none')));
    return;
  }
  const go = (p) => {
    setHere(p.lon, p.lat);
    state.m.map.setView(state.m.toMap(p.lon, p.lat), p.kind === 'circle' ? 15 : 16);
    box.replaceChildren(h('p', { role: 'status' }, t('res.place_here', { kind: t('place.' + p.kind), name: p.name })));
  };
  box.append(h('ul', { class: 'places' }, places.map((p) =>
    h('li', {}, h('button', { type: 'button', class: 'place', onclick: () => go(p) },
      h('span', { class: 'kind kind-' + p.kind }, t('place.' + p.kind)),
      h('span', { class: 'name' }, p.name),
      p.circle ? h('span', { class: 'meta' }, p.circle) : p.category ? h('span', { class: 'meta' }, t('cat.' + p.category)) : null)))));
}

function drawResults(list, outlets, note) {
  const { L, toMap, map } = state.m;
  if (state.pins) state.pins.remove();
  state.pins = L.layerGroup().addTo(map);
  list.replaceChildren();
  if (note) list.append(h('p', { class: 'note' }, note));
  if (!outlets.length) return list.append(h('p', {}, t('res.no_results')));
  list.append(h('p', { class: 'count', role: 'status' }, t('res.count', { n: outlets.length })));
  const ol = h('ol', { class: 'results' });
  outlets.forEach((o, i) => {
    const pin = L.circleMarker(toMap(o.lon, o.lat), { radius: 8, color: '#fff', weight: 2, fillColor: '#b3261e', fillOpacity: 1 })
      .bindTooltip(`${i + 1}. ${o.name}`)
      .on('click', () => openShop(o))
      .addTo(state.pins);
    void pin;
    const extra = o.goods ? `${o.goods.name} · ${t('res.price', { price: o.goods.price, unit: o.goods.unit || '' })}` : (o.services || []).join(t('sep'));
    ol.append(
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'result', onclick: () => openShop(o) },
          h('span', { class: 'rank' }, String(i + 1)),
          h('span', { class: 'name' }, o.name),
          h('span', { class: 'walk' }, `${t('minutes', { n: minutes(o.time_s) })} · ${t('metres', { n: Math.round(o.distance_m) })}`),
          h('span', { class: 'meta' }, [o.category ? t('cat.' + o.category) : '', extra].filter(Boolean).join(' · ')),
        ),
      ),
    );
  });
  list.append(ol);
}

async function search(form, list) {
  const fd = new FormData(form);
  const params = {
    lon: state.lon,
    lat: state.lat,
    minutes: fd.get('minutes'),
    category: fd.get('category'),
    open_now: fd.get('open_now') ? 1 : null,
    service: form.dataset.service || null,
    limit: 30,
  };
  const q = String(fd.get('q') || '').trim();
  form.dataset.service = '';
  list.replaceChildren(h('p', {}, t('loading')));
  try {
    let outlets = [];
    if (q) {
      // goods first (the platform's goods search), then names/services
      let goods = null;
      try {
        goods = await optional('GET', '/goods' + query({ q, near: `${state.lon},${state.lat}`, minutes: params.minutes, limit: 30 }));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e; // goods search refused this query: names and services still answer
      }
      if (goods && goods.goods && goods.goods.length)
        outlets = goods.goods.map((g) => ({ ...(g.outlet || {}), id: g.outlet_id ?? g.outlet?.id, time_s: g.time_s, distance_m: g.distance_m, goods: g }));
      else outlets = (await api('GET', '/nearby' + query({ ...params, q }))).outlets;
    } else outlets = (await api('GET', '/nearby' + query(params))).outlets;
    remember('search', outlets);
    drawResults(list, outlets);
  } catch (e) {
    const kept = recall('search');
    if (e instanceof TypeError && kept) drawResults(list, kept, t('err.network'));
    else list.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
  }
}

async function drawRoute(o, info) {
  const r = await api('GET', '/route' + query({ from: `${state.lon},${state.lat}`, to: `${o.lon},${o.lat}` }));
  if (state.route) state.route.remove();
  state.route = state.m.geojson(r, { style: { color: '#1a5fb4', weight: 6, opacity: 0.85 } }).addTo(state.m.map);
  state.m.map.fitBounds(state.route.getBounds(), { padding: [30, 30] });
  info.textContent = t('shop.route_info', { min: minutes(r.properties.time_s), m: Math.round(r.properties.length_m) });
}

function yesNo(v) {
  return v === true ? t('yes') : v === false ? t('no') : t('unknown');
}

async function openShop(o) {
  const panel = document.getElementById('shop');
  panel.hidden = false;
  panel.replaceChildren(h('p', {}, t('loading')));
  let shop;
  try {
    shop = await api('GET', '/outlets/' + encodeURIComponent(o.id));
  } catch (e) {
    panel.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    return;
  }
  const routeInfo = h('p', { class: 'route-info', role: 'status' });
  const dl = h(
    'dl',
    { class: 'facts' },
    h('dt', {}, t('shop.address')), h('dd', {}, shop.address || t('unknown')),
    h('dt', {}, t('shop.hours')), h('dd', {}, shop.opening_hours || t('unknown')),
    h('dt', {}, t('shop.services')), h('dd', {}, (shop.services || []).join(t('sep')) || t('none')),
    h('dt', {}, t('shop.cash')), h('dd', {}, yesNo(shop.cash)),
    h('dt', {}, t('shop.barrier_free')), h('dd', {}, yesNo(shop.barrier_free)),
    h('dt', {}, t('shop.credit')), h('dd', {}, shop.credit ? `${shop.credit.grade}${t('paren', { x: shop.credit.score })}` : t('unknown')),
  );
  const coupons = h('div', { class: 'coupons' });
  panel.replaceChildren(
    h('div', { class: 'shop-head' },
      h('h2', { id: 'shop-title', tabindex: '-1' }, shop.name),
      h('button', { type: 'button', class: 'ghost', onclick: () => (panel.hidden = true) }, t('close'))),
    h('p', { class: 'meta' }, [shop.category ? t('cat.' + shop.category) : '', o.time_s !== undefined ? t('minutes', { n: minutes(o.time_s) }) : ''].filter(Boolean).join(' · ')),
    dl,
    h('button', { type: 'button', onclick: () => drawRoute(shop, routeInfo).catch((e) => toast(errorText(e), 'error')) }, t('shop.route')),
    routeInfo,
    h('h3', {}, t('shop.coupons')),
    coupons,
    complaintForm(shop),
  );
  panel.querySelector('#shop-title').focus();
  const list = shop.coupons || ((await optional('GET', '/coupons' + query({ outlet_id: shop.id })).catch(() => null)) || {}).coupons || [];
  if (!list.length) coupons.append(h('p', {}, t('shop.no_coupons')));
  for (const c of list) {
    const out = h('span', { class: 'claimed', role: 'status' });
    coupons.append(
      h('div', { class: 'coupon' },
        h('span', { class: 'title' }, c.title),
        c.remaining !== undefined ? h('span', { class: 'meta' }, t('shop.remaining', { n: c.remaining })) : null,
        h('button', { type: 'button', onclick: () => claim(c.id, out) }, t('shop.claim')),
        out),
    );
  }
}

async function claim(id, out) {
  if (!session()) return (location.href = '/login');
  try {
    const key = crypto.randomUUID ? crypto.randomUUID() : String(Math.random());
    const r = await api('POST', `/coupons/${encodeURIComponent(id)}/claim`, { idempotency_key: key });
    out.textContent = t('shop.claimed', { code: r.code });
    loadMine();
  } catch (e) {
    out.textContent = errorText(e);
  }
}

function complaintForm(shop) {
  const kinds = ['price', 'service', 'quality', 'hygiene'];
  const form = h('form', { class: 'complaint' },
    h('h3', {}, t('shop.complain')),
    field('shop.complaint_kind', h('select', { name: 'kind' }, kinds.map((k) => h('option', { value: t('kind.' + k) }, t('kind.' + k))))),
    field('shop.complaint_text', h('textarea', { name: 'text', rows: 2, maxlength: 500 })),
    h('button', { type: 'submit' }, t('shop.complain')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!session()) return (location.href = '/login');
    const fd = new FormData(form);
    try {
      await api('POST', '/complaints', { outlet_id: shop.id, kind: fd.get('kind'), text: fd.get('text') || undefined });
      toast(t('shop.complaint_sent'));
      form.reset();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  return form;
}

async function loadMine() {
  const box = document.getElementById('mine');
  if (!box) return;
  if (!session()) return box.replaceChildren(h('p', {}, h('a', { href: '/login' }, t('nav.login'))));
  let list;
  try {
    const r = await optional('GET', '/me/coupons');
    if (!r) return box.replaceChildren(h('p', {}, t('err.missing_api')));
    list = r.coupons || [];
    remember('mine', list);
  } catch (e) {
    list = recall('mine');
    if (!(e instanceof TypeError) || !list) return box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    box.append(h('p', { class: 'note' }, t('err.network')));
  }
  if (!list.length) return box.replaceChildren(h('p', {}, t('mine.none')));
  box.replaceChildren(
    h('ul', { class: 'mine' },
      list.map((c) =>
        h('li', {},
          h('span', { class: 'title' }, c.title || ''),
          h('span', {}, `${t('mine.code')}: `, h('code', {}, c.short_code || c.code)),
          h('span', { class: 'meta' }, t('status.' + (c.status || 'claimed'))),
          c.code ? h('img', { class: 'qr', alt: `${t('mine.code')} ${c.short_code || c.code}`, width: 96, height: 96, dataset: { code: c.short_code || c.code } }) : null))),
  );
  // the QR image needs the token, so it is fetched (not an <img src>, which would need the token in the URL)
  for (const img of box.querySelectorAll('img.qr')) {
    const r = await fetch('/api/v1/me/coupons/qr' + query({ code: img.dataset.code }), { headers: { Authorization: 'Bearer ' + session().token } }).catch(() => null);
    if (r && r.ok) img.src = URL.createObjectURL(await r.blob());
    else img.remove();
  }
}

async function loadJobs(box) {
  try {
    const r = await api('GET', '/jobs' + query({ lon: state.lon, lat: state.lat, minutes: 15 }));
    const jobs = r.jobs || [];
    if (!jobs.length) return box.replaceChildren(h('p', {}, t('jobs.none')));
    box.replaceChildren(
      h('ul', { class: 'jobs' },
        jobs.map((j) => {
          const out = h('span', { role: 'status' });
          return h('li', {},
            h('span', { class: 'title' }, j.title),
            h('span', { class: 'meta' }, [j.pay, t('minutes', { n: minutes(j.time_s) })].filter(Boolean).join(' · ')),
            h('button', { type: 'button', onclick: async () => {
              if (!session()) return (location.href = '/login');
              try {
                await api('POST', `/jobs/${j.id}/applications`, {});
                out.textContent = t('jobs.applied');
              } catch (e) {
                out.textContent = e instanceof ApiError && e.status === 409 ? t('jobs.applied') : errorText(e);
              }
            } }, t('jobs.apply')),
            out);
        })),
    );
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
}

function surveyForm() {
  const out = h('p', { role: 'status' });
  const form = h('form', { class: 'survey' },
    field('survey.circle', h('input', { name: 'circle', type: 'number', min: 1, value: 1, inputmode: 'numeric' })),
    h('fieldset', {}, h('legend', {}, t('survey.question')),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'satisfied', value: '1', checked: true }), t('survey.yes')),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'satisfied', value: '0' }), t('survey.no'))),
    field('survey.comment', h('textarea', { name: 'comment', rows: 2, maxlength: 500 })),
    h('button', { type: 'submit' }, t('save')),
    out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!session()) return (location.href = '/login');
    const fd = new FormData(form);
    try {
      await api('POST', `/circles/${encodeURIComponent(fd.get('circle'))}/survey`, { satisfied: fd.get('satisfied') === '1', comment: fd.get('comment') || undefined });
      out.textContent = t('survey.thanks');
    } catch (e) {
      out.textContent = e instanceof ApiError && e.status === 409 ? t('survey.done') : errorText(e);
    }
  });
  return form;
}

async function render(main) {
  const here = recall('here');
  if (here) [state.lon, state.lat] = here;
  const mapEl = h('div', { id: 'map', class: 'map' });
  const list = h('div', { id: 'results', 'aria-live': 'polite' });
  const mins = h('select', { name: 'minutes' }, [5, 10, 15].map((n) => h('option', { value: n, selected: n === 15 }, t('minutes', { n }))));
  const form = h('form', { class: 'search', role: 'search' },
    field('res.category', h('select', { name: 'category' }, h('option', { value: '' }, t('res.category_any')), CATEGORIES.map(([c]) => h('option', { value: c }, t('cat.' + c))))),
    field('res.keyword', h('input', { name: 'q', type: 'search', maxlength: 40, placeholder: t('res.keyword_hint'), autocomplete: 'off' })),
    field('res.within', mins),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'open_now' }), t('res.open_now')),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('res.search')),
      h('button', { type: 'button', onclick: () => { form.dataset.service = '生活缴费'; form.requestSubmit(); } }, t('res.bills'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    search(form, list);
  });
  const place = h('input', { name: 'place', type: 'search', maxlength: 40, autocomplete: 'off' });
  const placeForm = h('form', { class: 'row place' }, field('res.place', place), h('button', { type: 'submit' }, t('res.place_go')));
  const placeList = h('div', { id: 'places', 'aria-live': 'polite' });
  placeForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (place.value.trim()) findPlace(place.value.trim(), placeList).catch((e) => toast(errorText(e), 'error'));
  });
  const jobs = h('div', {}, h('p', {}, t('loading')));
  main.append(
    h('div', { class: 'where row' },
      h('button', { type: 'button', onclick: locate }, t('res.locate')),
      h('span', { class: 'hint' }, t('res.pick'))),
    placeForm,
    placeList,
    mapEl,
    form,
    list,
    h('section', { id: 'shop', class: 'card shop', hidden: true, 'aria-labelledby': 'shop-title' }),
    section('mine.coupons', h('div', { id: 'mine' })),
    section('jobs.title', jobs),
    section('survey.title', surveyForm()),
  );
  state.m = await createMap(mapEl, { lon: state.lon, lat: state.lat });
  state.m.map.setView(state.m.toMap(state.lon, state.lat), 16);
  setHere(state.lon, state.lat);
  state.m.map.on('click', (ev) => {
    const [lon, lat] = state.m.fromMap(ev.latlng);
    setHere(lon, lat);
  });
  loadMine();
  loadJobs(jobs);
}

boot('resident', null, render);
