// fleet.js -- the fleet page: every device (online, program and version,
// VM state, last seen, tags), counts by version and by state, a filter,
// and the running deployments with their progress. Live.
import { h, clear, when, ago, badge, table, field, progress, short } from './util.js';

export function fleetPage(ctx, view) {
  const q = h('input', { type: 'search', placeholder: 'id, tag, version, state', autocomplete: 'off' });
  const stateSel = h('select', {}, h('option', { value: '' }, 'any'), h('option', { value: 'online' }, 'online'),
                     h('option', { value: 'offline' }, 'offline'));
  const counts = h('section', { class: 'counts', 'aria-label': 'Counts' });
  const devs = h('section', { 'aria-labelledby': 'devs-h' });
  const deps = h('section', { 'aria-labelledby': 'run-h' });
  clear(view,
    h('h1', {}, 'Fleet'),
    counts,
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      field('Search', q), field('Online', stateSel)),
    devs, deps);
  let last = [];
  const render = () => renderDevices(devs, filter(last, q.value, stateSel.value));
  q.addEventListener('input', render);
  stateSel.addEventListener('change', render);

  ctx.live.feed('devices', () => ctx.api.devices(), (d) => {
    last = d.devices;
    renderCounts(counts, last);
    render();
  });
  ctx.live.feed('deployments', () => ctx.api.deployments(), (d) => renderRunning(deps, d.deployments));
}

function filter(list, text, online) {
  const t = text.trim().toLowerCase();
  return list.filter((d) => {
    if (online === 'online' && !d.online) return false;
    if (online === 'offline' && d.online) return false;
    if (!t) return true;
    const hay = [d.id, d.vm_state, d.running && d.running.version, d.running && d.running.sha256, ...(d.tags || [])]
      .filter(Boolean).join(' ').toLowerCase();
    return t.split(/\s+/).every((w) => hay.includes(w));
  });
}

function tally(list, key) {
  const m = new Map();
  for (const d of list) { const k = key(d); m.set(k, (m.get(k) || 0) + 1); }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

function renderCounts(el, list) {
  const online = list.filter((d) => d.online).length;
  const box = (title, pairs) => h('div', { class: 'card count' }, h('h2', {}, title),
    h('dl', {}, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  clear(el,
    box('Devices', [['total', list.length], ['online', online], ['offline', list.length - online]]),
    box('By version', tally(list, (d) => (d.running && d.running.version) || 'none')),
    box('By VM state', tally(list, (d) => d.vm_state || 'unknown')));
}

function renderDevices(el, list) {
  const now = Date.now();
  const rows = list.map((d) => h('tr', { dataset: { device: d.id } },
    h('th', { scope: 'row' }, h('a', { href: `#/device/${encodeURIComponent(d.id)}` }, d.id)),
    h('td', {}, badge(d.online ? 'online' : 'offline')),
    h('td', {}, d.running && d.running.version ? d.running.version : h('span', { class: 'muted' }, 'none'),
      d.running && d.running.sha256 ? h('code', { class: 'sha' }, ` ${short(d.running.sha256)}`) : null,
      d.drift ? badge('drift', 'warn') : null),
    h('td', {}, d.vm_state || '—'),
    h('td', {}, h('span', { title: d.last_seen ? new Date(d.last_seen).toString() : '' }, ago(d.last_seen, now))),
    h('td', {}, (d.tags || []).map((t) => h('span', { class: 'tag' }, t)))));
  clear(el, h('h2', { id: 'devs-h' }, `Devices (${list.length})`),
    table(['Device', 'Online', 'Program', 'VM state', 'Last seen', 'Tags'], rows, { class: 'devices', empty: 'no device matches' }));
}

function renderRunning(el, deps) {
  const run = deps.filter((d) => d.state === 'running');
  clear(el, h('h2', { id: 'run-h' }, `Running deployments (${run.length})`),
    run.length ? h('ul', { class: 'plain' }, run.map((d) => {
      const done = d.devices - (d.jobs.QUEUED || 0) - (d.jobs.IN_PROGRESS || 0);
      return h('li', {}, h('a', { href: `#/deployments/${d.id}` }, `#${d.id}`), ` ${short(d.artifact)} `,
        progress(done, d.devices, `deployment ${d.id} progress`), ` ${done}/${d.devices} done, stage ${d.current_stage + 1}/${d.stages.length}`,
        d.failures ? h('span', { class: 'error' }, ` ${d.failures} failed`) : null);
    })) : h('p', { class: 'muted' }, 'none'));
}
