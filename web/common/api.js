// The one API client of the pages: fetch with the bearer token (kept in
// localStorage, sent only in the Authorization header, never in a URL) and
// the API's one error shape {code, status, message, field}.
const KEY = 'qt.session';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || '';
    this.field = (body && body.field) || '';
  }
}

export function session() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function setSession(s) {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}

// api('GET', '/nearby' + query({...})) -> parsed JSON (or null for 204).
// Throws ApiError for an HTTP error, TypeError when the network is down.
// A body that is a string is sent as it is with the type given (a CSV list);
// any other body as JSON.
export async function api(method, path, body, type) {
  const headers = { Accept: 'application/json' };
  const s = session();
  if (s && s.token) headers.Authorization = 'Bearer ' + s.token;
  const raw = typeof body === 'string' && type;
  if (body !== undefined) headers['Content-Type'] = raw ? type : 'application/json';
  const r = await fetch('/api/v1' + path, {
    method,
    headers,
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await r.text();
  let doc = null;
  try {
    doc = text ? JSON.parse(text) : null;
  } catch {
    doc = null;
  }
  if (!r.ok) {
    if (r.status === 401 && s) setSession(null);
    throw new ApiError(r.status, doc);
  }
  return doc;
}

// For endpoints that a server may not have yet: null on 404 (or 405).
export async function optional(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}
