// app.js -- the dashboard's shell: sign-in, the session, the router
// (#/fleet, #/device/ID, #/deployments, #/deployments/ID, #/editor) and
// the live-update transport the pages share.
import { Api } from './api.js';
import { Live, PollTransport } from './live.js';
import { h, clear, field } from './util.js';
import { fleetPage } from './fleet.js';
import { devicePage } from './device.js';
import { deploymentsPage, deploymentPage } from './deployments.js';
import { editorPage } from './editor.js';

const ROLES = { viewer: 1, operator: 2, admin: 3 };
const view = document.getElementById('view');
const api = new Api();
const ctx = {
  api,
  live: new Live(new PollTransport(2000), feedStatus),
  session: null,
  // may this session change things that need `role`?
  can(role) { return !!this.session && (ROLES[this.session.role] || 0) >= ROLES[role]; },
  go(hash) { if (location.hash === hash) route(); else location.hash = hash; },
  status: (m, kind) => showStatus(m, kind),
};

// Each feed's last failure, shown until that feed loads again.
const feedErrors = new Map();
function feedStatus(name, err) {
  const had = feedErrors.size;
  if (err) feedErrors.set(name, err.message); else feedErrors.delete(name);
  if (feedErrors.size) showStatus([...feedErrors].map(([n, m]) => `${n}: ${m}`).join('; '));
  else if (had) showStatus('');
}

function showStatus(msg, kind) {
  const s = document.getElementById('status');
  s.textContent = msg || '';
  s.className = `status ${msg ? kind || 'error' : ''}`;
}

function shell(signedIn) {
  const nav = document.getElementById('nav'), who = document.getElementById('who'), out = document.getElementById('signout');
  nav.hidden = who.hidden = out.hidden = !signedIn;
  if (!signedIn) return;
  for (const a of nav.querySelectorAll('a[data-role]')) a.hidden = !ctx.can(a.dataset.role);
  who.textContent = `${ctx.session.name} (${ctx.session.role})`;
}

function signInPage() {
  ctx.live.stopAll();
  shell(false);
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true,
                             spellcheck: 'false', placeholder: 'cpt_…' });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card signin', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h' }, 'Sign in'),
    h('p', {}, 'Paste a token made with ', h('code', {}, 'cockpit fleetd token'),
      '. The session lives in a cookie only fleetd can read; the token is not kept by the page.'),
    field('Token', input),
    h('button', { type: 'submit' }, 'Sign in'), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      ctx.session = await api.signIn(input.value.trim());
      input.value = '';
      ctx.go('#/fleet');
    } catch (e) {
      err.textContent = e.status === 401 ? 'That token is unknown or revoked.' : e.message;
    }
  });
  clear(view, form);
  input.focus();
}

const pages = [
  [/^#\/fleet$/, (m) => fleetPage(ctx, view)],
  [/^#\/device\/(.+)$/, (m) => devicePage(ctx, view, decodeURIComponent(m[1]))],
  [/^#\/deployments$/, (m) => deploymentsPage(ctx, view)],
  [/^#\/deployments\/(\d+)$/, (m) => deploymentPage(ctx, view, m[1])],
  [/^#\/editor$/, (m) => editorPage(ctx, view)],
];

async function route() {
  ctx.live.stopAll();
  feedErrors.clear();
  showStatus('');
  if (!ctx.session) {
    try { ctx.session = await api.whoami(); } catch (e) { ctx.session = null; }
  }
  if (!ctx.session || location.hash === '#/signin') {
    if (ctx.session && location.hash === '#/signin') { ctx.go('#/fleet'); return; }
    signInPage();
    return;
  }
  shell(true);
  const hash = location.hash || '#/fleet';
  for (const a of document.querySelectorAll('#nav a')) {
    const cur = hash.startsWith(`#/${a.dataset.page}`) || (a.dataset.page === 'fleet' && hash.startsWith('#/device/'));
    if (cur) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  for (const [re, fn] of pages) {
    const m = hash.match(re);
    if (m) {
      clear(view);
      try { await fn(m); } catch (e) { showStatus(e.message); }
      return;
    }
  }
  ctx.go('#/fleet');
}

api.onUnauthorized = () => { ctx.session = null; api.csrf = null; route(); };
document.getElementById('signout').addEventListener('click', async () => {
  try { await api.signOut(); } catch (e) { /* the session is gone either way */ }
  ctx.session = null;
  location.hash = '#/signin';
  route();
});
window.addEventListener('hashchange', route);
route();
