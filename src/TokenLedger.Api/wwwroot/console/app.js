import { api, session, ApiError } from './api.js';
import { lang, setLang, t, translateStatic } from './i18n.js';
import { tenantView } from './tenant.js';
import { distributorView } from './distributor.js';
import { financeView } from './finance.js';
import { operatorView } from './operator.js';

const main = document.getElementById('main');
const signin = document.getElementById('signin');
const nav = document.getElementById('nav');
let me = null;

// The views a key may open: its own tenant or distributor; finance and operator keys can open any by id.
const viewsFor = role => ({
  tenant: ['tenant'], distributor: ['distributor'], finance: ['finance', 'tenant', 'distributor'],
  operator: ['operator', 'finance', 'tenant', 'distributor'],
}[role] ?? []);

function route() {
  const [view, id] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = viewsFor(me.role);
  const chosen = allowed.includes(view) ? view : allowed[0];
  const subject = chosen === 'tenant' ? (me.tenantId ?? id) : chosen === 'distributor' ? (me.distributorId ?? id) : id;
  nav.innerHTML = allowed.map(v => `<a href="#/${v}" data-view="${v}" class="${v === chosen ? 'active' : ''}">${t(v)}</a>`).join('');
  main.replaceChildren();
  const render = { tenant: tenantView, distributor: distributorView, finance: financeView, operator: operatorView }[chosen];
  if (!render) { main.textContent = t('none'); return; }
  render(main, subject, me).catch(showError);
}

function showError(error) {
  const p = document.createElement('p');
  p.className = 'error card';
  p.setAttribute('role', 'alert');
  p.dataset.testid = 'error';
  p.textContent = error instanceof ApiError && error.status === 404 ? `404 — ${error.message}` : error.message;
  main.prepend(p);
}

async function start() {
  translateStatic();
  document.getElementById('lang').textContent = lang === 'zh' ? 'English' : '中文';
  if (!session.key) { main.replaceChildren(signin); return; }
  try {
    me = await api('/api/me');
  } catch {
    session.key = null;
    main.replaceChildren(signin);
    document.getElementById('signin-error').textContent = t('badKey');
    return;
  }
  document.getElementById('signout').hidden = false;
  route();
}

signin.addEventListener('submit', event => {
  event.preventDefault();
  session.key = document.getElementById('key').value.trim();
  start();
});
document.getElementById('signout').addEventListener('click', () => { session.key = null; me = null; nav.replaceChildren(); start(); });
document.getElementById('lang').addEventListener('click', () => { setLang(lang === 'zh' ? 'en' : 'zh'); start(); });
window.addEventListener('hashchange', () => me && route());
start();
