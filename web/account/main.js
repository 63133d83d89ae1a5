// Log in, register (residents), log out.  The token is kept in localStorage
// and sent only in the Authorization header.
import '../common/style.css';
import { api, session, setSession, ApiError } from '../common/api.js';
import { t } from '../common/i18n.js';
import { boot, h, field, errorText } from '../common/ui.js';

const HOME = { resident: '/', merchant: '/merchant', operator: '/operator', admin: '/planner' };

function messageFor(e, kind) {
  if (!(e instanceof ApiError)) return errorText(e);
  if (e.status === 401) return t('account.bad_login');
  if (e.status === 429) return t('account.too_many');
  if (e.status === 409) return t('account.taken');
  if (e.status === 422 && kind === 'register') return t('account.weak');
  return errorText(e);
}

function form(kind, onDone) {
  const out = h('p', { class: 'error', role: 'alert' });
  const f = h('form', { class: 'card account', 'aria-labelledby': 'h-' + kind },
    h('h2', { id: 'h-' + kind }, t(kind === 'login' ? 'account.login' : 'account.register')),
    field('account.name', h('input', { name: 'name', required: true, autocomplete: 'username', maxlength: 64 })),
    field('account.password', h('input', { name: 'password', type: 'password', required: true, minlength: kind === 'register' ? 8 : null, autocomplete: kind === 'login' ? 'current-password' : 'new-password' })),
    h('button', { type: 'submit', class: 'primary' }, t(kind === 'login' ? 'account.login' : 'account.register')),
    out);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(f);
    const body = { name: String(fd.get('name')), password: String(fd.get('password')) };
    out.textContent = '';
    try {
      if (kind === 'register') {
        await api('POST', '/auth/register', body);
        out.textContent = t('account.registered');
        out.className = 'ok';
        return;
      }
      const r = await api('POST', '/auth/login', body);
      setSession({ token: r.token, role: r.role, user_id: r.user_id, name: body.name });
      onDone(r.role);
    } catch (e) {
      out.textContent = messageFor(e, kind);
    }
  });
  return f;
}

function render(main) {
  const s = session();
  if (s) {
    main.append(
      h('p', {}, t('account.logged_in', { name: s.name, role: t('role.' + s.role) })),
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        setSession(null);
        if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage('logout');
        location.href = '/login';
      } }, t('account.logout')),
    );
    return;
  }
  main.append(form('login', (role) => (location.href = HOME[role] || '/')), form('register'));
}

boot('account', null, render);
