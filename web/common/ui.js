// Page scaffolding: DOM building with text nodes only (so every value from
// the API is escaped by construction), the role-aware navigation, the
// language switch, the toast, and the service worker.
import { t, lang, setLang, translate } from './i18n.js';
import { session } from './api.js';

// h('button', {type: 'button', onclick: f, 'aria-label': '…'}, 'text', child…)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;
// A labelled control: field('res.keyword', h('input', {...})) -> <div><label for>..</label><input id></div>
export function field(key, control, hint) {
  const id = control.id || 'f' + ++fieldSeq;
  control.id = id;
  const parts = [h('label', { for: id }, t(key)), control];
  if (hint) {
    control.setAttribute('aria-describedby', id + '-hint');
    parts.push(h('small', { id: id + '-hint', class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

export function section(key, ...children) {
  const id = 'h-' + key.replace(/\W/g, '-');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, t(key)), ...children);
}

let toastTimer = 0;
export function toast(msg, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = msg;
  el.className = 'show ' + kind;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = ''), 4000);
}

export function errorText(e) {
  if (e instanceof TypeError) return t('err.offline');
  return t('err.generic', { msg: e.message });
}

const NAV = [
  ['/', 'nav.resident', null],
  ['/merchant', 'nav.merchant', ['merchant', 'admin']],
  ['/operator', 'nav.operator', ['operator', 'admin']],
  ['/planner', 'nav.planner', null],
];

function drawNav(page) {
  const s = session();
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  const here = { resident: '/', merchant: '/merchant', operator: '/operator', planner: '/planner', account: '/login' }[page];
  const items = NAV.filter(([, , roles]) => !roles || (s && roles.includes(s.role))).map(([href, key]) =>
    h('a', { href, 'aria-current': href === here ? 'page' : null }, t(key)),
  );
  items.push(h('a', { href: '/login', 'aria-current': page === 'account' ? 'page' : null }, s ? `${s.name} · ${t('nav.logout')}` : t('nav.login')));
  nav.replaceChildren(...items);
}

// Start a page: texts, navigation, language switch; render(main) draws the
// page and is called again after a language switch.  roles: who may use it
// (null: everyone).
export function boot(page, roles, render) {
  const main = document.getElementById('main');
  const draw = () => {
    translate();
    document.title = `${t('title.' + page)} · ${t('brand')}`;
    const btn = document.getElementById('lang');
    btn.textContent = t('lang.switch');
    btn.setAttribute('aria-label', t('lang.label'));
    drawNav(page);
    main.replaceChildren(h('h1', {}, t('title.' + page)));
    const s = session();
    if (roles && (!s || !roles.includes(s.role))) {
      const names = roles.map((r) => t('role.' + r)).join(' / ');
      main.append(
        h('p', { class: 'denied', role: 'alert' }, s ? t('role.denied', { roles: names, role: t('role.' + s.role) }) : t('role.login_needed', { roles: names })),
        h('p', {}, h('a', { href: '/login' }, t('nav.login'))),
      );
      return;
    }
    render(main);
  };
  document.getElementById('lang').addEventListener('click', () => {
    setLang(lang() === 'zh-CN' ? 'en' : 'zh-CN');
    draw();
  });
  draw();
  if ('serviceWorker' in navigator && location.protocol !== 'file:') navigator.serviceWorker.register('/sw.js').catch(() => {});
}

export function minutes(s) {
  return Math.max(1, Math.round(s / 60));
}

export function unixDay(dateStr, end) {
  const d = new Date(dateStr + (end ? 'T23:59:59+08:00' : 'T00:00:00+08:00'));
  return Math.floor(d.getTime() / 1000);
}
