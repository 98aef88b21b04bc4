// device.js -- one device: status and banks, desired against reported
// program, the live log, events, crash reports, and a chart per telemetry
// metric (uPlot) over a chosen time range. Live.
import { h, clear, when, ago, duration, badge, table, field, short } from './util.js';

const RANGES = [['15 minutes', 15 * 60e3], ['1 hour', 3600e3], ['6 hours', 6 * 3600e3], ['24 hours', 86400e3], ['7 days', 7 * 86400e3]];
const LOG_KEEP = 500;   // lines kept on the page: an open page does not grow without bound

export function devicePage(ctx, view, id) {
  const status = h('section', { class: 'card', 'aria-labelledby': 'st-h' });
  const charts = h('div', { class: 'charts' });
  const range = h('select', {}, RANGES.map(([t, ms], i) => h('option', { value: ms, selected: i === 1 }, t)));
  const logBox = h('pre', { class: 'log', tabindex: '0', 'aria-label': 'Device log' });
  const events = h('section', { 'aria-labelledby': 'ev-h' });
  const crashes = h('section', { 'aria-labelledby': 'cr-h' });
  clear(view,
    h('p', {}, h('a', { href: '#/fleet' }, '← Fleet')),
    h('h1', {}, 'Device ', h('code', {}, id)),
    status,
    h('section', { 'aria-labelledby': 'tm-h' }, h('h2', { id: 'tm-h' }, 'Telemetry'), field('Time range', range), charts),
    h('section', { 'aria-labelledby': 'log-h' }, h('h2', { id: 'log-h' }, 'Log'), logBox),
    events, crashes);

  ctx.live.feed('device', () => ctx.api.device(id), (d) => renderStatus(status, d));

  let since = 0;
  const lines = [];
  ctx.live.feed('logs', () => ctx.api.logs(id, since), (r) => {
    if (!r.logs.length) return;
    since = r.next;
    for (const l of r.logs) lines.push(`${new Date(l.time).toLocaleTimeString()}  ${l.text}`);
    lines.splice(0, Math.max(0, lines.length - LOG_KEEP));
    const atEnd = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 4;
    logBox.textContent = lines.join('\n');
    if (atEnd) logBox.scrollTop = logBox.scrollHeight;
  });
  ctx.live.feed('events', () => ctx.api.events(id), (r) => renderEvents(events, r.events));
  ctx.live.feed('crashes', () => ctx.api.crashes(id), (r) => renderCrashes(crashes, r.crashes));

  const plots = new Map();
  const loadTelemetry = () => {
    const to = Date.now();
    return ctx.api.telemetry(id, Math.max(0, to - Number(range.value)), to);
  };
  range.addEventListener('change', async () => {
    for (const p of plots.values()) p.destroy();
    plots.clear();
    clear(charts);
    try { renderCharts(charts, plots, (await loadTelemetry()).points); } catch (e) { ctx.status(e.message); }
  });
  ctx.live.feed('telemetry', loadTelemetry, (r) => renderCharts(charts, plots, r.points));
}

function renderStatus(el, d) {
  const rows = [
    ['Online', badge(d.online ? 'online' : 'offline')],
    ['Last seen', [when(d.last_seen), ` (${ago(d.last_seen)})`]],
    ['VM state', d.vm_state || '—'],
    ['Reported program', d.running && d.running.sha256 ? [d.running.version || '?', ' ', h('code', { title: d.running.sha256 }, short(d.running.sha256))] : 'none'],
    ['Desired program', d.desired_sha256 ? h('code', { title: d.desired_sha256 }, short(d.desired_sha256)) : 'none set'],
    ['Drift', d.drift ? badge('drift: desired is not running', 'warn') : 'none'],
    ['Uptime', d.uptime_ms ? duration(d.uptime_ms) : '—'],
    ['Boot id', d.boot_id ? h('code', {}, d.boot_id) : '—'],
    ['Reset reason', d.reset_reason || '—'],
    ['Tags', (d.tags || []).length ? d.tags.map((t) => h('span', { class: 'tag' }, t)) : 'none'],
  ];
  clear(el, h('h2', { id: 'st-h' }, 'Status'),
    h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Banks'), banks(d.banks));
}

function banks(b) {
  if (!Array.isArray(b) || !b.length) return h('p', { class: 'muted' }, 'not reported');
  const keys = [...new Set(b.flatMap((x) => Object.keys(x || {})))];
  return table(keys, b.map((x) => h('tr', {}, keys.map((k) => h('td', {}, cell(x[k]))))), { class: 'banks' });
}
function cell(v) {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) return h('code', { title: v }, short(v));
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function renderEvents(el, list) {
  clear(el, h('h2', { id: 'ev-h' }, 'Events'),
    table(['Time', 'Kind', 'Detail'], list.map((e) => h('tr', {}, h('td', {}, when(e.time)), h('td', {}, e.kind),
      h('td', {}, e.detail === null ? '—' : h('code', {}, JSON.stringify(e.detail))))), { empty: 'no events' }));
}

function renderCrashes(el, list) {
  clear(el, h('h2', { id: 'cr-h' }, 'Crash reports'),
    table(['Time', 'Where', 'Function', 'Reason', 'Version', 'pc'], list.map((c) => h('tr', { class: 'crash' },
      h('td', {}, when(c.time)), h('td', {}, h('code', { class: 'where' }, c.file ? `${c.file}:${c.line}` : '?')),
      h('td', {}, c.function || '—'), h('td', {}, c.reason || '—'), h('td', {}, c.version || '—'),
      h('td', {}, h('code', {}, `0x${Number(c.pc).toString(16)}`)))), { empty: 'no crashes' }));
}

function renderCharts(el, plots, points) {
  const byName = new Map();
  for (const p of points) {
    if (!byName.has(p.name)) byName.set(p.name, [[], []]);
    const s = byName.get(p.name);
    s[0].push(p.time / 1000);
    s[1].push(p.value);
  }
  if (!byName.size) { for (const p of plots.values()) p.destroy(); plots.clear(); clear(el, h('p', { class: 'muted' }, 'no telemetry in this range')); return; }
  const none = el.querySelector('p.muted');
  if (none) none.remove();
  for (const [name, data] of [...byName.entries()].sort()) {
    if (plots.has(name)) { plots.get(name).setData(data); continue; }
    const box = h('figure', { class: 'chart', dataset: { metric: name } }, h('figcaption', {}, name));
    el.appendChild(box);
    if (typeof window.uPlot !== 'function') {
      box.appendChild(h('p', { class: 'muted' }, `${data[1].length} points (chart library not bundled)`));
      plots.set(name, { setData() {}, destroy() {} });
      continue;
    }
    const width = Math.max(240, (box.clientWidth || 600) - 16);
    plots.set(name, new window.uPlot({ width, height: 200, series: [{}, { label: name, stroke: '#2b6cb0', width: 2 }],
      axes: [{}, {}], scales: { x: { time: true } } }, data, box));
  }
  for (const [name, p] of plots) if (!byName.has(name)) { p.destroy(); plots.delete(name); el.querySelector(`figure[data-metric="${CSS.escape(name)}"]`)?.remove(); }
}
