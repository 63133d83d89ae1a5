// Merchant page (/merchant): my shop's profile, my goods, coupon batches,
// redeeming a code (typed, or scanned where the browser has BarcodeDetector),
// my jobs and their applicants, complaints about my shop.  Endpoints the
// server does not have yet answer 404 and the section says so.
import '../common/style.css';
import { api, optional, query, ApiError } from '../common/api.js';
import { t } from '../common/i18n.js';
import { boot, h, field, section, toast, errorText, unixDay } from '../common/ui.js';

const PICK_KEY = 'qt.merchant.shop';

function missing() {
  return h('p', { class: 'note' }, t('err.missing_api'));
}

// GET /me/outlets: the shops an admin linked to my account
async function loadShops() {
  const r = await api('GET', '/me/outlets');
  return (r && r.outlets) || [];
}

function shopForm(o, box) {
  const f = h('form', { class: 'grid' },
    field('mer.hours', h('input', { name: 'opening_hours', value: o.opening_hours || '', maxlength: 120 })),
    field('mer.services', h('input', { name: 'services', value: (o.services || []).join(';'), maxlength: 250 })),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'cash', checked: o.cash === true }), t('mer.cash')),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'barrier_free', checked: o.barrier_free === true }), t('mer.barrier_free')),
    h('button', { type: 'submit', class: 'primary' }, t('save')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    const body = { opening_hours: fd.get('opening_hours'), services: fd.get('services'), cash: !!fd.get('cash'), barrier_free: !!fd.get('barrier_free') };
    try {
      const r = await optional('PATCH', `/outlets/${o.id}`, body);
      if (!r) return box.append(missing());
      toast(t('ok.saved'));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  return f;
}

async function goodsSection(o, box) {
  let r;
  try {
    r = await optional('GET', `/outlets/${o.id}/goods`);
  } catch (e) {
    return box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
  if (!r) return box.replaceChildren(missing());
  const list = h('ul', { class: 'goods' }, (r.goods || []).map((g) =>
    h('li', {}, h('span', { class: 'title' }, g.name), h('span', {}, t('res.price', { price: g.price, unit: g.unit || '' })),
      h('button', { type: 'button', onclick: async () => {
        try {
          await api('PUT', `/goods/${g.id}`, { name: g.name, price: g.price, unit: g.unit || undefined, barcode: g.barcode || undefined, in_stock: !g.in_stock });
          goodsSection(o, box);
        } catch (e) {
          toast(errorText(e), 'error');
        }
      } }, g.in_stock ? t('mer.goods_out') : t('mer.goods_in')),
      h('button', { type: 'button', onclick: async () => {
        try {
          await api('DELETE', `/goods/${g.id}`);
          goodsSection(o, box);
        } catch (e) {
          toast(errorText(e), 'error');
        }
      } }, t('mer.goods_delete')))));
  const add = h('form', { class: 'row' },
    field('mer.goods_name', h('input', { name: 'name', required: true, maxlength: 60 })),
    field('mer.goods_price', h('input', { name: 'price', type: 'number', step: '0.01', min: 0, required: true })),
    field('mer.goods_unit', h('input', { name: 'unit', maxlength: 10, value: '件' })),
    h('button', { type: 'submit' }, t('mer.goods_add')));
  add.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(add);
    try {
      await api('POST', `/outlets/${o.id}/goods`, { name: fd.get('name'), price: Number(fd.get('price')), unit: fd.get('unit'), in_stock: true });
      goodsSection(o, box);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  const upload = h('input', { type: 'file', accept: '.csv,text/csv' });
  upload.addEventListener('change', async () => {
    const file = upload.files[0];
    if (!file) return;
    try {
      await api('PUT', `/outlets/${o.id}/goods.csv`, await file.text(), 'text/csv; charset=utf-8');
      goodsSection(o, box);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  // the browser's own file button speaks the browser's language: a labelled button of ours instead
  upload.id = 'goods-upload';
  upload.className = 'file-hidden';
  box.replaceChildren(list, add, h('div', { class: 'field' }, upload, h('label', { for: upload.id, class: 'button' }, t('mer.goods_upload'))));
}

function couponForm(o) {
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  const out = h('p', { role: 'status' });
  const f = h('form', { class: 'grid' },
    field('mer.coupon_title', h('input', { name: 'title', required: true, maxlength: 60 })),
    field('mer.coupon_qty', h('input', { name: 'quantity', type: 'number', min: 1, max: 100000, value: 50, required: true })),
    field('mer.coupon_limit', h('input', { name: 'per_user_limit', type: 'number', min: 1, max: 100, value: 1, required: true })),
    field('mer.coupon_from', h('input', { name: 'from', type: 'date', value: today, required: true })),
    field('mer.coupon_to', h('input', { name: 'to', type: 'date', value: later, required: true })),
    h('button', { type: 'submit', class: 'primary' }, t('mer.coupon_issue')),
    out);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    try {
      const r = await api('POST', '/coupons', {
        outlet_id: o.id, title: fd.get('title'), quantity: Number(fd.get('quantity')), per_user_limit: Number(fd.get('per_user_limit')),
        valid_from: unixDay(fd.get('from'), false), valid_to: unixDay(fd.get('to'), true),
      });
      out.textContent = t('mer.coupon_issued', { id: r.id });
    } catch (e) {
      out.textContent = errorText(e);
    }
  });
  return f;
}

function redeemForm() {
  const out = h('p', { role: 'status', class: 'big' });
  const code = h('input', { name: 'code', required: true, maxlength: 40, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' });
  const f = h('form', { class: 'row' }, field('mer.redeem_code', code), h('button', { type: 'submit', class: 'primary' }, t('mer.redeem_go')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/redemptions', { code: code.value.trim() });
      out.textContent = t('mer.redeemed');
      out.className = 'big ok';
      code.value = '';
    } catch (e) {
      out.className = 'big error';
      out.textContent = e instanceof ApiError
        ? { 409: t('mer.redeem_twice'), 404: t('mer.redeem_unknown'), 403: t('mer.redeem_other'), 410: t('mer.redeem_expired') }[e.status] || errorText(e)
        : errorText(e);
    }
  });
  const parts = [f, out];
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    parts.push(h('button', { type: 'button', onclick: () => scan(code, f) }, t('mer.redeem_scan')));
  }
  return parts;
}

async function scan(input, form) {
  const video = h('video', { playsinline: true, muted: true, class: 'scan' });
  form.after(video);
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = stream;
    await video.play();
    const det = new window.BarcodeDetector({ formats: ['qr_code'] });
    for (let i = 0; i < 300; i++) {
      const codes = await det.detect(video);
      if (codes.length) {
        input.value = codes[0].rawValue;
        form.requestSubmit();
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    toast(errorText(e), 'error');
  } finally {
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    video.remove();
  }
}

function jobForm(o, box) {
  const f = h('form', { class: 'row' },
    field('mer.job_title', h('input', { name: 'title', required: true, maxlength: 60 })),
    field('mer.job_pay', h('input', { name: 'pay', maxlength: 30 })),
    h('button', { type: 'submit' }, t('mer.job_post')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    try {
      await api('POST', '/jobs', { title: fd.get('title'), pay: fd.get('pay') || undefined, lon: o.lon, lat: o.lat, outlet_id: o.id });
      toast(t('mer.job_posted'));
      f.reset();
      loadJobs(box);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  return f;
}

async function loadJobs(box) {
  try {
    // GET /me/applications: every application to my jobs, grouped here by job
    const r = await optional('GET', '/me/applications');
    if (!r) return box.replaceChildren(missing());
    const jobs = new Map();
    for (const a of r.applications || []) {
      if (!jobs.has(a.job_id)) jobs.set(a.job_id, { title: a.job_title, list: [] });
      jobs.get(a.job_id).list.push(a);
    }
    if (!jobs.size) return box.replaceChildren(h('p', {}, t('none')));
    box.replaceChildren(h('ul', {}, [...jobs.values()].map((j) =>
      h('li', {}, h('span', { class: 'title' }, j.title), ` · ${t('mer.applicants')}: `, String(j.list.length),
        h('ul', {}, j.list.map((a) => h('li', {}, `${a.user_name || a.user_id}${a.message ? t('colon') + a.message : ''}`)))))));
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
}

// POST /complaints/{id}/answer {answer}: the merchant's reply, once
function answerForm(o, c, box) {
  const text = h('input', { name: 'answer', required: true, maxlength: 500 });
  const f = h('form', { class: 'row' }, field('mer.complaint_answer', text), h('button', { type: 'submit' }, t('mer.complaint_send')));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', `/complaints/${c.id}/answer`, { answer: text.value.trim() });
      loadComplaints(o, box);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  });
  return f;
}

async function loadComplaints(o, box) {
  try {
    const r = await optional('GET', '/complaints' + query({ outlet_id: o.id }));
    if (!r) return box.replaceChildren(missing());
    const list = r.complaints || [];
    box.replaceChildren(list.length ? h('ul', {}, list.map((c) => h('li', {}, `${c.kind}${t('colon')}${c.text || ''}`, c.status ? ' ' + t('paren', { x: t('complaint.' + c.status) }) : '',
      c.answer ? h('p', { class: 'meta' }, `${t('mer.complaint_answer')}${t('colon')}${c.answer}`) : c.status === 'open' ? answerForm(o, c, box) : null))) : h('p', {}, t('none')));
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
}

async function drawShop(main, o) {
  const shopBox = h('div');
  const goodsBox = h('div', {}, t('loading'));
  const jobsBox = h('div', {}, t('loading'));
  const complaintsBox = h('div', {}, t('loading'));
  const full = await api('GET', `/outlets/${o.id}`).catch(() => o);
  shopBox.append(h('p', { class: 'meta' }, [full.name, full.address].filter(Boolean).join(' · ')), shopForm(full, shopBox));
  main.append(
    section('mer.redeem', ...redeemForm()),
    section('mer.shop', shopBox),
    section('mer.coupon', couponForm(full)),
    section('mer.goods', goodsBox),
    section('mer.jobs', jobForm(full, jobsBox), jobsBox),
    section('mer.complaints', complaintsBox),
  );
  goodsSection(full, goodsBox);
  loadJobs(jobsBox);
  loadComplaints(full, complaintsBox);
}

async function render(main) {
  const body = h('div', {}, t('loading'));
  main.append(body);
  let shops;
  try {
    shops = await loadShops();
  } catch (e) {
    return body.replaceChildren(h('p', { class: 'error' }, errorText(e)));
  }
  body.replaceChildren();
  if (!shops.length) return body.append(h('p', {}, t('mer.no_shop')));
  const shopArea = h('div');
  if (shops.length > 1) {
    // several shops: pick one (the choice is kept for the next visit)
    const kept = Number(localStorage.getItem(PICK_KEY));
    const pick = h('select', { name: 'shop', id: 'shop-pick' },
      shops.map((o) => h('option', { value: o.id, selected: o.id === kept }, `${o.name}${o.address ? ' · ' + o.address : ''}`)));
    pick.addEventListener('change', () => {
      localStorage.setItem(PICK_KEY, pick.value);
      shopArea.replaceChildren();
      drawShop(shopArea, shops.find((o) => o.id === Number(pick.value)));
    });
    body.append(field('mer.pick_shop', pick));
  } else {
    body.append(h('p', { class: 'meta', id: 'shop-pick' }, t('mer.my_shop', { name: shops[0].name })));
  }
  body.append(shopArea);
  const kept = shops.find((o) => o.id === Number(localStorage.getItem(PICK_KEY)));
  await drawShop(shopArea, kept || shops[0]);
}

boot('merchant', ['merchant', 'admin'], render);
