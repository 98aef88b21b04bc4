// util.js -- DOM building without innerHTML (no markup from data, so no
// injection), time shown in the browser's own time zone, small helpers.

// h('td', {class: 'x', onclick: f}, 'text', child, [more])
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  add(el, kids);
  return el;
}
function add(el, kids) {
  for (const k of kids) {
    if (k === undefined || k === null || k === false) continue;
    if (Array.isArray(k)) add(el, k);
    else if (k instanceof Node) el.appendChild(k);
    else el.appendChild(document.createTextNode(String(k)));
  }
}

export function clear(el, ...kids) {
  el.replaceChildren();
  add(el, kids);
  return el;
}

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
// ms since 1970 -> a date and time in the browser's time zone; a <time> element.
export function when(ms) {
  if (!ms) return h('span', { class: 'muted' }, 'never');
  const d = new Date(ms);
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, fmt.format(d));
}
export function ago(ms, now = Date.now()) {
  if (!ms) return 'never';
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
export function duration(ms) {
  let s = Math.floor((ms || 0) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return (d ? `${d}d ` : '') + `${hh}h ${m}m ${s}s`;
}
export const short = (sha) => (sha ? sha.slice(0, 12) : '—');

// A labelled field: <label for=id>text</label><input id=id ...>
let nid = 0;
export function field(text, control, hint) {
  const id = control.id || `f${++nid}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), control,
           hint ? h('small', { class: 'hint' }, hint) : null);
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind || String(text).toLowerCase()}` }, text);
}

export function table(cols, rows, opts = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: opts.class || '' },
      opts.caption ? h('caption', {}, opts.caption) : null,
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length, class: 'muted' }, opts.empty || 'none')))));
}

export function progress(value, max, label) {
  return h('progress', { value: value, max: max || 1, 'aria-label': label || 'progress' });
}
