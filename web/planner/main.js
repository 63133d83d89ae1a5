// Planner dashboard (/planner): the city on a map with switchable layers
// (outlets by class and 业态 with a legend, residences by walking minutes to a
// 业态, 盲区, recommended sites, circle boundaries), isochrones from a click,
// a side panel with each circle's grade and indicators against their
// targets, the what-if (add an outlet, see indicators before/after), the
// hour-of-day coverage and trends between import snapshots.  Everything is
// computed by the server (docs/http-api.md, planner section); the page draws.
import '../common/style.css';
import { api, optional, query } from '../common/api.js';
import { t, tValue, reasonsText } from '../common/i18n.js';
import { boot, h, field, toast, errorText } from '../common/ui.js';
import { createMap } from '../common/map.js';
import { CATEGORIES } from '../common/categories.js';
import { loadCircles, indicatorRows } from '../common/circles.js';

const COLOURS = { basic: '#1a5fb4', quality: '#2f7d32' };
export const BLIND_COLOUR = '#d0021b';
const MINUTE_COLOURS = [[5, '#1a9850'], [10, '#91cf60'], [15, '#fee08b'], [Infinity, '#d73027']];
const state = { m: null, layers: {}, iso: null, circles: [], whatif: [] };
const LIST_MAX = 200; // circles listed at once
const TREND_MAX = 50; // rows of the trend table

function pct(v) {
  return typeof v === 'number' ? (v <= 1 ? Math.round(v * 1000) / 10 + '%' : String(Math.round(v * 10) / 10)) : String(v ?? '');
}

function classOf(code) {
  const c = CATEGORIES.find(([k]) => k === code);
  return c ? c[1] : 'basic';
}

async function layer(name, on) {
  const { map, geojson, L } = state.m;
  if (state.layers[name]) {
    state.layers[name].remove();
    delete state.layers[name];
  }
  if (!on) return;
  const category = document.getElementById('plan-category').value;
  const hour = document.getElementById('plan-hour').value;
  let data;
  try {
    data = await optional('GET', `/planner/layers/${name}` + query({ category, hour }));
  } catch (e) {
    return toast(errorText(e), 'error');
  }
  if (!data) return toast(t('err.missing_api'), 'error');
  const styles = {
    outlets: { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 4, weight: 1, color: '#fff', fillColor: COLOURS[classOf(f.properties.category)], fillOpacity: 0.9 }) },
    residences: {
      pointToLayer: (f, ll) => {
        const m = f.properties.minutes;
        const col = (MINUTE_COLOURS.find(([lim]) => (m ?? Infinity) <= lim) || MINUTE_COLOURS[3])[1];
        return L.circleMarker(ll, { radius: 5, weight: 0, fillColor: col, fillOpacity: 0.85 });
      },
    },
    blind: { style: { color: BLIND_COLOUR, weight: 1, fillColor: BLIND_COLOUR, fillOpacity: 0.45 } },
    sites: { pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 9, weight: 3, color: '#6a1b9a', fillColor: '#fff', fillOpacity: 1 }) },
    circles: { style: { color: '#333', weight: 2, dashArray: '6 4', fill: false } },
  };
  const lay = geojson(data, {
    ...styles[name],
    onEachFeature: (f, l) => {
      const p = f.properties || {};
      const label = [p.name, p.category ? t('cat.' + p.category) : '', p.minutes !== undefined ? t('minutes', { n: p.minutes }) : ''].filter(Boolean).join(' · ');
      if (label) l.bindTooltip(label);
    },
  }).addTo(map);
  state.layers[name] = lay;
}

function indicatorTable(ind, after) {
  const rows = indicatorRows(ind);
  const afterRows = after ? Object.fromEntries(indicatorRows(after).map((r) => [r.key, r])) : null;
  if (!rows.length) return null;
  return h('table', { class: 'ind' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('plan.indicator')), h('th', { scope: 'col' }, afterRows ? t('plan.whatif_before') : t('plan.value')),
      afterRows ? h('th', { scope: 'col' }, t('plan.whatif_after')) : null, h('th', { scope: 'col' }, t('plan.target')), h('th', { scope: 'col' }, ''))),
    h('tbody', {}, rows.map((r) => {
      const a = afterRows && afterRows[r.key];
      const met = a ? a.met : r.met;
      return h('tr', { class: a && a.value !== r.value ? 'changed' : null },
        h('th', { scope: 'row' }, t('cat.' + r.key)),
        h('td', {}, pct(r.value)),
        afterRows ? h('td', { class: 'after' }, a ? pct(a.value) : '') : null,
        h('td', {}, r.target !== undefined ? pct(r.target) : ''),
        h('td', { class: met ? 'met' : 'notmet' }, met === null || met === undefined ? '' : met ? t('plan.met') : t('plan.not_met')));
    })));
}

function circleDetail(c, box, after) {
  const ind = c.indicators || {};
  box.replaceChildren(...[ // replaceChildren writes a null as the text "null"
    h('h3', { id: 'circle-title', tabindex: '-1', translate: 'no' }, c.name),
    h('p', { class: 'grade' }, `${t('plan.grade')}${t('colon')}`, h('strong', {}, tValue('grade', c.grade) || t('unknown'))),
    reasonsText(ind) ? h('p', { class: 'reasons' }, `${t('plan.reasons')}${t('colon')}${reasonsText(ind)}`) : null,
    ind.population !== undefined ? h('p', {}, `${t('plan.population')}${t('colon')}${ind.population}`) : null,
    indicatorTable(ind, after),
    ind.demand && ind.demand.length ? h('div', {}, h('h4', {}, t('plan.demand')), h('ul', {}, ind.demand.map((d) => h('li', {}, typeof d === 'string' ? t('cat.' + d) : d.name || JSON.stringify(d))))) : null,
    ind.projects && ind.projects.length ? h('div', {}, h('h4', {}, t('plan.projects')), h('ul', {}, ind.projects.map((d) => h('li', {}, typeof d === 'string' ? d : d.name || JSON.stringify(d))))) : null,
  ].filter(Boolean));
}

async function openCircle(c, box) {
  state.current = c; // a what-if clicked while its figures load is the circle's
  if (c.id && c.indicators && !c.indicators.coverage) {
    // the list is brief: this circle's figures per 业态
    const hourNow = document.getElementById('plan-hour').value;
    try {
      const r = await api('GET', '/planner/circles' + query({ circle_id: c.id, hour: state.hourSet ? hourNow : null }));
      const full = (r.circles || [])[0];
      if (full) Object.assign(c, full);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }
  circleDetail(c, box);
  box.querySelector('#circle-title').focus();
  const b = c.bbox || (c.bounds && c.bounds.length === 4 ? c.bounds : null);
  if (b) state.m.map.fitBounds([state.m.toMap(b[0], b[1]), state.m.toMap(b[2], b[3])], { maxZoom: 16, padding: [40, 40] });
  state.current = c;
}

async function isochrone(lon, lat) {
  const r = await api('GET', '/isochrone' + query({ lon, lat, minutes: '5,10,15' }));
  if (state.iso) state.iso.remove();
  const cols = { 5: '#1a9850', 10: '#91cf60', 15: '#fdae61' };
  state.iso = state.m.geojson(r, { style: (f) => ({ color: cols[f.properties.minutes] || '#888', weight: 2, fillOpacity: 0.15 }) }).addTo(state.m.map);
}

async function whatif(lon, lat, box) {
  const category = document.getElementById('plan-category').value || 'B01';
  state.whatif.push({ lon, lat, category });
  const { L, toMap, map } = state.m;
  L.circleMarker(toMap(lon, lat), { radius: 8, weight: 3, color: '#000', fillColor: '#ffeb3b', fillOpacity: 1 }).bindTooltip(t('cat.' + category)).addTo(map);
  try {
    const r = await optional('POST', '/planner/whatif', { add: state.whatif, circle_id: state.current ? state.current.id : undefined });
    if (!r) return toast(t('err.missing_api'), 'error');
    const c = state.current || state.circles[0];
    const res = r.after || {};
    const after = (res.circles || []).find((x) => x.id === (c && c.id)) || res.city;
    if (c) circleDetail(c, box, after && after.indicators);
  } catch (e) {
    toast(errorText(e), 'error');
  }
}

function drawCity(box) {
  if (!state.city) return;
  const ind = state.city.indicators || {};
  const ab = ind.residents_all_basic || {};
  box.replaceChildren(...[ // replaceChildren writes a null as the text "null"
    h('p', { class: 'grade' }, `${t('plan.city')} · ${t('plan.grade')}${t('colon')}`, h('strong', {}, tValue('grade', state.city.grade) || t('unknown'))),
    ab.value !== undefined ? h('p', {}, `${t('plan.all_basic')}${t('colon')}${pct(ab.value)} / ${pct(ab.target)} `, h('span', { class: ab.met ? 'met' : 'notmet' }, ab.met ? t('plan.met') : t('plan.not_met'))) : null,
    ind.demand && ind.demand.length ? h('p', {}, `${t('plan.demand')}${t('colon')}${ind.demand.map((c) => t('cat.' + c)).join(t('sep'))}`) : null,
  ].filter(Boolean));
}

// each circle's grade over the imports (store snapshots), and who moved up
async function loadTrends(box) {
  let r;
  try {
    r = await optional('GET', '/planner/trends' + query({ brief: 1 }));
  } catch (e) {
    return box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
  if (!r) return box.replaceChildren(h('p', { class: 'note' }, t('err.missing_api')));
  // the circles that moved up first, then the others, at most TREND_MAX rows
  const up = new Set(r.moved_up || []);
  const all = r.circles || [];
  const shown = [...all.filter((c) => up.has(c.name)), ...all.filter((c) => !up.has(c.name))].slice(0, TREND_MAX);
  const rows = shown.map((c) => {
    const snaps = c.snapshots || [];
    const cov = snaps.map((sn) => (sn.indicators && sn.indicators.residents_all_basic) ?? null);
    return h('tr', {},
      h('th', { scope: 'row' }, c.name),
      h('td', {}, snaps.map((sn) => `${new Date(sn.at * 1000).toISOString().slice(0, 10)} ${tValue('grade', sn.grade) || ''}`).join(' → ')),
      h('td', {}, cov.map((v) => (v === null ? '–' : pct(v))).join(' → ')));
  });
  box.replaceChildren(...[ // replaceChildren writes a null as the text "null"
    rows.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('plan.circle_list')), h('th', { scope: 'col' }, t('plan.grade')), h('th', { scope: 'col' }, t('plan.all_basic')))), h('tbody', {}, rows)) : h('p', {}, t('none')),
    all.length > shown.length ? h('p', { class: 'note' }, t('plan.list_more', { n: shown.length, total: all.length })) : null,
    h('p', {}, `${t('plan.moved_up')}${t('colon')}${(r.moved_up || []).slice(0, TREND_MAX).join(t('sep')) || t('none')}`),
  ].filter(Boolean));
}

async function render(main) {
  main.classList.add('wide');
  const mapEl = h('div', { id: 'map', class: 'map big' });
  const detail = h('div', { id: 'circle', 'aria-live': 'polite' });
  const circleList = h('ul', { class: 'circles' });
  const filter = h('input', { type: 'search', id: 'plan-filter', maxlength: 40, autocomplete: 'off' });
  const listNote = h('p', { class: 'note', role: 'status' });
  const cityBox = h('div', { class: 'city' });
  const trendBox = h('div', {}, t('loading'));
  const layerBoxes = ['outlets', 'residences', 'blind', 'sites', 'circles'].map((name) => {
    const key = name === 'residences' ? 'plan.value' : 'plan.' + name;
    const cb = h('input', { type: 'checkbox', name, onchange: (ev) => layer(name, ev.target.checked) });
    return h('label', { class: 'inline' }, cb, name === 'residences' ? `${t('plan.population')} · ${t('res.within')}` : t(key));
  });
  // the hour in China (the outlets' opening hours are local time)
  const nowHour = Number(new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(new Date()));
  const hour = h('input', { id: 'plan-hour', type: 'range', min: 0, max: 23, step: 1, value: nowHour });
  const hourOut = h('output', { for: 'plan-hour' }, t('plan.hour', { h: hour.value }));
  hour.addEventListener('input', () => (hourOut.textContent = t('plan.hour', { h: hour.value })));
  hour.addEventListener('change', async () => {
    for (const n of Object.keys(state.layers)) layer(n, true);
    // the coverage of each circle counting only the outlets open at that hour
    try {
      state.hourSet = true;
      const r = await api('GET', '/planner/circles' + query({ hour: hour.value, circle_id: state.current ? state.current.id : null }));
      state.city = r.city || state.city;
      drawCity(cityBox);
      const cur = state.current && (r.circles || []).find((c) => c.name === state.current.name);
      if (cur) {
        Object.assign(state.current, cur);
        circleDetail(state.current, detail);
      }
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  const mode = h('select', { id: 'plan-mode' }, h('option', { value: 'iso' }, t('plan.mode_iso')), h('option', { value: 'whatif' }, t('plan.mode_whatif')));
  const side = h('aside', { class: 'side', 'aria-label': t('plan.circle_list') },
    h('section', { class: 'card', 'aria-labelledby': 'h-layers' }, h('h2', { id: 'h-layers' }, t('plan.layers')),
      h('div', { class: 'layers' }, layerBoxes),
      field('res.category', h('select', { id: 'plan-category' }, h('option', { value: '' }, t('res.category_any')), CATEGORIES.map(([c]) => h('option', { value: c }, `${c} ${t('cat.' + c)}`)))),
      field('plan.hour_label', hour), hourOut,
      field('plan.mode', mode),
      h('p', { class: 'hint' }, t('plan.isochrone')),
      h('div', { class: 'legend', 'aria-label': t('plan.legend') },
        h('span', { class: 'sw', style: null, dataset: { c: 'basic' } }, t('class.basic')),
        h('span', { class: 'sw', dataset: { c: 'quality' } }, t('class.quality')),
        h('span', { class: 'sw', dataset: { c: 'blind' } }, t('plan.blind')),
        h('span', { class: 'sw', dataset: { c: 'm5' } }, t('plan.within', { n: 5 })),
        h('span', { class: 'sw', dataset: { c: 'm10' } }, t('plan.within', { n: 10 })),
        h('span', { class: 'sw', dataset: { c: 'm15' } }, t('plan.within', { n: 15 })),
        h('span', { class: 'sw', dataset: { c: 'mfar' } }, t('plan.beyond', { n: 15 })))),
    h('section', { class: 'card', 'aria-labelledby': 'h-circles' }, h('h2', { id: 'h-circles' }, t('plan.circle_list')), cityBox, field('plan.filter', filter), circleList, listNote, detail),
    h('section', { class: 'card', 'aria-labelledby': 'h-trend' }, h('h2', { id: 'h-trend' }, t('plan.trend')), trendBox));
  main.append(h('div', { class: 'planner' }, mapEl, side));
  state.m = await createMap(mapEl);
  state.m.map.on('click', (ev) => {
    const [lon, lat] = state.m.fromMap(ev.latlng);
    if (mode.value === 'whatif') whatif(lon, lat, detail);
    else isochrone(lon, lat).catch((e) => toast(errorText(e), 'error'));
  });
  try {
    const r = await optional('GET', '/planner/circles' + query({ brief: 1 }));
    state.city = r && r.city;
    state.circles = r && r.circles ? r.circles : await loadCircles();
  } catch (e) {
    circleList.replaceChildren(h('li', { class: 'error' }, errorText(e)));
    return;
  }
  if (!state.circles.length) return circleList.replaceChildren(h('li', {}, t('plan.no_circles')));
  drawCity(cityBox);
  loadTrends(trendBox);
  // a city has thousands of circles: the list shows the first LIST_MAX that match the filter
  const drawList = () => {
    const f = filter.value.trim();
    const match = f ? state.circles.filter((c) => c.name.includes(f)) : state.circles;
    circleList.replaceChildren(...match.slice(0, LIST_MAX).map((c) =>
      h('li', {}, h('button', { type: 'button', class: 'result', onclick: () => openCircle(c, detail) },
        h('span', { class: 'name', translate: 'no' }, c.name), h('span', { class: 'grade-tag', dataset: { g: c.grade || '' } }, tValue('grade', c.grade) || t('unknown'))))));
    listNote.textContent = match.length > LIST_MAX ? t('plan.list_more', { n: LIST_MAX, total: match.length }) : '';
  };
  filter.addEventListener('input', drawList);
  drawList();
}

boot('planner', null, render);
