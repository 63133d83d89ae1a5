// Operator page (/operator): the outlets of my circle (edit hours, services),
// the complaints to handle, the survey's progress against the 50-answer rule,
// the circle's grade and indicators.
import '../common/style.css';
import { api, optional, session } from '../common/api.js';
import { t, tValue, reasonsText } from '../common/i18n.js';
import { boot, h, field, section, toast, errorText } from '../common/ui.js';
import { indicatorRows } from '../common/circles.js';

function pct(v) {
  return typeof v === 'number' ? (v <= 1 ? Math.round(v * 1000) / 10 + '%' : String(Math.round(v * 10) / 10)) : String(v ?? '');
}

function editForm(o) {
  const f = h('form', { class: 'row edit' },
    field('mer.hours', h('input', { name: 'opening_hours', value: o.opening_hours || '', maxlength: 120, 'aria-describedby': null })),
    field('mer.services', h('input', { name: 'services', value: (o.services || []).join(';'), maxlength: 250 })),
    h('button', { type: 'submit' }, t('save')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    try {
      await api('PATCH', `/outlets/${o.id}`, { opening_hours: fd.get('opening_hours'), services: fd.get('services') });
      toast(t('ok.saved'));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  return f;
}

async function outletsOf(circle, box) {
  let list = null;
  const r = await optional('GET', `/planner/circles/${circle.id}/outlets`).catch(() => null);
  if (r && r.outlets) list = r.outlets;
  if (!list) return box.replaceChildren(h('p', { class: 'note' }, t('err.missing_api')));
  box.replaceChildren(h('ul', { class: 'outlets' }, list.map((o) =>
    h('li', {}, h('details', {}, h('summary', {}, `${o.name}${o.closed ? ' · ' + t('op.closed') : ''} · ${o.category ? t('cat.' + o.category) : ''} · ${o.opening_hours || t('unknown')}`),
      editForm(o))))));
}

async function complaintsOf(circle, box) {
  const r = await optional('GET', '/complaints').catch(() => null);
  if (!r) return box.replaceChildren(h('p', { class: 'note' }, t('err.missing_api')));
  const list = r.complaints || [];
  if (!list.length) return box.replaceChildren(h('p', {}, t('none')));
  box.replaceChildren(h('ul', {}, list.map((c) => {
    const act = (decision) => async () => {
      try {
        await api('POST', `/complaints/${c.id}/resolution`, { decision });
        complaintsOf(circle, box);
      } catch (e) {
        toast(errorText(e), 'error');
      }
    };
    return h('li', {}, `${c.outlet_name || c.outlet_id}${t('colon')}${c.kind} ${c.text || ''}`,
      h('button', { type: 'button', onclick: act('upheld') }, t('op.uphold')),
      h('button', { type: 'button', onclick: act('rejected') }, t('op.reject')));
  })));
}

function circleView(c) {
  const s = c.survey || {};
  const rows = indicatorRows(c.indicators);
  return [
    section('op.grade',
      h('p', { class: 'grade' }, `${c.name}${t('colon')}`, h('strong', {}, tValue('grade', c.grade) || t('unknown'))),
      reasonsText(c.indicators) ? h('p', { class: 'reasons' }, `${t('plan.reasons')}${t('colon')}${reasonsText(c.indicators)}`) : null,
      rows.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('plan.indicator')), h('th', { scope: 'col' }, t('plan.value')), h('th', { scope: 'col' }, t('plan.target')), h('th', { scope: 'col' }, ''))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, t('cat.' + r.key)), h('td', {}, pct(r.value)), h('td', {}, r.target !== undefined ? pct(r.target) : ''),
          h('td', { class: r.met ? 'met' : 'notmet' }, r.met === null ? '' : r.met ? t('plan.met') : t('plan.not_met')))))) : null),
    section('op.survey',
      h('p', {}, t('op.survey_progress', { period: s.period || '', n: s.answers ?? 0, min: s.min_samples ?? 50 })),
      h('progress', { max: s.min_samples ?? 50, value: Math.min(s.answers ?? 0, s.min_samples ?? 50), 'aria-label': t('op.survey') }),
      h('p', { class: s.valid ? 'met' : 'notmet' }, s.valid ? t('op.survey_valid') : t('op.survey_invalid'))),
  ];
}

async function render(main) {
  const s = session();
  const idIn = h('input', { type: 'number', min: 1, name: 'circle', value: s.circle_id || 1, inputmode: 'numeric' });
  const f = h('form', { class: 'row' }, field('op.circle_id', idIn), h('button', { type: 'submit' }, t('op.load')));
  const area = h('div');
  const show = async () => {
    area.replaceChildren(h('p', {}, t('loading')));
    try {
      const c = await api('GET', '/circles/' + encodeURIComponent(idIn.value));
      // the planner's figures carry each indicator's target (met / not met) when the server has them
      const pc = await optional('GET', '/planner/circles').catch(() => null);
      const rich = pc && (pc.circles || []).find((x) => x.id === c.id);
      if (rich) {
        const own = c.indicators || {};
        c.indicators = { ...rich.indicators, reasons: rich.indicators.reasons || own.reasons, why: rich.indicators.why || own.why };
      }
      const outlets = h('div', {}, t('loading'));
      const complaints = h('div', {}, t('loading'));
      area.replaceChildren(...circleView(c), section('op.outlets', outlets), section('op.complaints', complaints));
      outletsOf(c, outlets);
      complaintsOf(c, complaints);
    } catch (e) {
      area.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)));
    }
  };
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  main.append(f, area);
  show();
}

boot('operator', ['operator', 'admin'], render);
