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

// A value the server sends in Chinese (a grade of the profile): its
// translation when the catalogue has one, else the value as it is.
export function tValue(prefix, value) {
  if (value === undefined || value === null || value === '') return value;
  const key = prefix + '.' + value;
  return key in catalogues[lang()] || key in zh ? t(key) : String(value);
}

// Fill [data-i18n] texts and [data-i18n-label] aria-labels under root.
export function translate(root = document) {
  document.documentElement.lang = lang();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

// The grade's reasons in the page's language.  The API gives them as data,
// indicators.why (docs/http-api.md "The grade's reasons"): per grade, reached
// or the next one missed, its rules with value, target and pass.  A circle
// imported before why existed has only the stable English sentence
// indicators.reasons ("基础型: 9 of 9 basic present; 2 quality >= 2 — not
// 品质型: ..."): its known phrases go through the catalogue, an unknown one
// stays as it is.
const pc = (v) => String(Math.round(100 * v));
const opOf = (pass) => (pass ? '≥' : '<');
const RULES = {
  basic_present: (r) => t('why.basic', { n: r.value, of: r.total })
    + (r.pass ? '' : r.target === r.total ? t('why.all_needed') : t('why.needed', { n: r.target })),
  quality_present: (r) => t('why.quality', { n: r.value, op: opOf(r.pass), target: r.target }),
  all_basic: (r) => t('why.all_basic', { v: pc(r.value), op: opOf(r.pass), target: pc(r.target) }),
  communities_covered: (r) => t('why.communities', { n: r.value, of: r.total }),
  chain_share: (r) => (r.value === null ? t('why.chain_unknown') : t('why.chain', { v: pc(r.value), op: opOf(r.pass), target: pc(r.target) })),
  satisfaction: (r) => (r.value === null ? t('why.survey_few', { n: r.total, need: r.min_answers })
    : t('why.survey', { v: pc(r.value), n: r.total, op: opOf(r.pass), target: pc(r.target) })),
};

function whyText(why) {
  return why.map((g) => t(g.reached ? 'why.grade' : 'why.not_grade', { grade: tValue('grade', g.grade) })
    + (g.rules || []).map((r) => (RULES[r.rule] ? RULES[r.rule](r) : r.rule)).join(t('why.sep'))).join(t('why.clause_sep'));
}

const REASONS = [
  [/^(\d+) of (\d+) basic present(?: \(all needed\))?(?: \((\d+) needed\))?$/, (m) =>
    t('why.basic', { n: m[1], of: m[2] }) + (/all needed/.test(m[0]) ? t('why.all_needed') : m[3] ? t('why.needed', { n: m[3] }) : '')],
  [/^(\d+) quality (>=|<) (\d+)$/, (m) => t('why.quality', { n: m[1], op: m[2] === '>=' ? '≥' : '<', target: m[3] })],
  [/^all basic in reach for (\d+)% of residents (>=|<) (\d+)%$/, (m) => t('why.all_basic', { v: m[1], op: m[2] === '>=' ? '≥' : '<', target: m[3] })],
  [/^(\d+) of (\d+) communities covered$/, (m) => t('why.communities', { n: m[1], of: m[2] })],
  [/^chain share (\d+)% (>=|<) (\d+)%$/, (m) => t('why.chain', { v: m[1], op: m[2] === '>=' ? '≥' : '<', target: m[3] })],
  [/^chain share unknown \(no outlets\)$/, () => t('why.chain_unknown')],
  [/^satisfaction n = (\d+) < (\d+), not yet valid$/, (m) => t('why.survey_few', { n: m[1], need: m[2] })],
  [/^satisfaction (\d+)% \(n = (\d+)\) (>=|<) (\d+)%$/, (m) => t('why.survey', { v: m[1], n: m[2], op: m[3] === '>=' ? '≥' : '<', target: m[4] })],
];

function reasonPart(part) {
  for (const [re, f] of REASONS) {
    const m = part.match(re);
    if (m) return f(m);
  }
  return part;
}

// reasonsText(indicators): the words of indicators.why, else of indicators.reasons ('' when neither)
export function reasonsText(ind) {
  if (!ind) return '';
  if (Array.isArray(ind.why) && ind.why.length) return whyText(ind.why);
  const s = ind.reasons;
  if (!s) return '';
  return s.split(' — ').map((clause) => {
    const m = clause.match(/^(not )?([^:]+): (.*)$/);
    if (!m) return clause;
    const head = t(m[1] ? 'why.not_grade' : 'why.grade', { grade: tValue('grade', m[2]) });
    return head + m[3].split('; ').map(reasonPart).join(t('why.sep'));
  }).join(t('why.clause_sep'));
}
