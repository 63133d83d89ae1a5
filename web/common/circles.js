// The circles with their grades and indicators: the planner's list endpoint,
// or (on a server without it) GET /circles/{id} for id = 1, 2, ... until a 404.
import { api, optional, ApiError } from './api.js';

export async function loadCircles() {
  const r = await optional('GET', '/planner/circles');
  if (r && r.circles) return r.circles;
  const out = [];
  for (let id = 1; id <= 60; id++) {
    try {
      out.push(await api('GET', '/circles/' + id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) break;
      throw e;
    }
  }
  return out;
}

// [{key, value, target, met}] from a circle's indicators object
export function indicatorRows(ind) {
  if (!ind) return [];
  const rows = [];
  const cov = ind.coverage || {};
  const targets = ind.targets || {};
  for (const [code, v] of Object.entries(cov)) {
    const value = typeof v === 'object' && v !== null ? v.value ?? v.share ?? v.coverage : v;
    const target = typeof v === 'object' && v !== null ? v.target : targets[code];
    const met = typeof v === 'object' && v !== null && 'met' in v ? v.met : target !== undefined ? value >= target : null;
    rows.push({ key: code, value, target, met });
  }
  return rows;
}
