// Message catalogues: every text of the pages comes from here (keys in
// English, zh-CN the default; the choice is kept in localStorage).
import zh from './i18n/zh-CN.json';
import en from './i18n/en.json';

const catalogues = { 'zh-CN': zh, en };
const KEY = 'qt.lang';

export function lang() {
  const l = localStorage.getItem(KEY);
  return catalogues[l] ? l : 'zh-CN';
}

export function setLang(l) {
  localStorage.setItem(KEY, catalogues[l] ? l : 'zh-CN');
}

// t('results.count', {n: 3}) -> '3 家' ; an unknown key shows itself.
export function t(key, vars) {
  const c = catalogues[lang()];
  let s = c[key] ?? zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// Fill [data-i18n] texts and [data-i18n-label] aria-labels under root.
export function translate(root = document) {
  document.documentElement.lang = lang();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
