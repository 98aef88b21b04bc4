// editor.js -- write or paste a program, compile it (POST /builds), see
// each diagnostic at its line and column, and deploy the artifact built.
import { h, clear, field, short } from './util.js';
import { startForm } from './deployments.js';

const SAMPLE = `#include "cockpit.h"

void setup(void) {
  pinMode(LED_BUILTIN, OUTPUT);
}

void loop(void) {
  digitalWrite(LED_BUILTIN, HIGH);
  delay(500);
  digitalWrite(LED_BUILTIN, LOW);
  delay(500);
}
`;

export function editorPage(ctx, view) {
  if (!ctx.can('operator')) {
    clear(view, h('h1', {}, 'Editor'), h('p', {}, 'Compiling and deploying need the operator role; this session is a viewer.'));
    return;
  }
  const src = h('textarea', { name: 'source', class: 'code', rows: 22, spellcheck: 'false', wrap: 'off',
                              autocapitalize: 'off', 'aria-describedby': 'diag-h' });
  src.value = sessionStorage.getItem('cockpit.editor.source') || SAMPLE;
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const filename = h('input', { name: 'filename', value: 'program.c', required: true, pattern: '[A-Za-z0-9_.\\-]+\\.c' });
  const version = h('input', { name: 'version', value: '1.0.0', required: true, pattern: '\\d+\\.\\d+\\.\\d+' });
  const diags = h('ol', { class: 'diagnostics' });
  const result = h('div', { class: 'result', role: 'status' });
  const deployBox = h('div');
  let marks = new Map();

  const paintGutter = () => {
    const n = src.value.split('\n').length;
    clear(gutter, Array.from({ length: n }, (_, i) => {
      const m = marks.get(i + 1);
      return h('span', { class: m ? `ln ${m.severity}` : 'ln', dataset: { line: i + 1 }, title: m ? m.message : null }, `${i + 1}\n`);
    }));
    gutter.scrollTop = src.scrollTop;
  };
  src.addEventListener('input', () => { sessionStorage.setItem('cockpit.editor.source', src.value); paintGutter(); });
  src.addEventListener('scroll', () => { gutter.scrollTop = src.scrollTop; });

  // put the caret at line:column (1-based)
  const goTo = (line, col) => {
    const ls = src.value.split('\n');
    let off = 0;
    for (let i = 0; i < Math.min(line - 1, ls.length); i++) off += ls[i].length + 1;
    off += Math.max(0, Math.min((col || 1) - 1, (ls[line - 1] || '').length));
    src.focus();
    src.setSelectionRange(off, off + 1);
    const lh = src.scrollHeight / Math.max(ls.length, 1);
    src.scrollTop = Math.max(0, (line - 5) * lh);
  };

  const form = h('form', { class: 'editor', 'aria-label': 'Program' },
    h('div', { class: 'row' }, field('File name', filename), field('Version', version)),
    h('label', { for: src.id = 'source' }, 'Source'),
    h('div', { class: 'code-wrap' }, gutter, src),
    h('button', { type: 'submit', dataset: { action: 'build' } }, 'Compile and sign'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(result, 'Compiling…');
    clear(diags);
    clear(deployBox);
    marks = new Map();
    let r, failed = false;
    try {
      r = await ctx.api.build(src.value, filename.value, version.value);
    } catch (e) {
      if (e.status !== 422 || !e.body) { clear(result, h('span', { class: 'error' }, e.message)); paintGutter(); return; }
      r = e.body;
      failed = true;
    }
    for (const d of r.diagnostics || []) {
      if (!marks.has(d.line) || d.severity === 'error') marks.set(d.line, d);
      diags.appendChild(h('li', { class: `diag ${d.severity}`, dataset: { line: d.line, column: d.column } },
        h('button', { type: 'button', class: 'link', onclick: () => goTo(d.line, d.column) },
          `${d.file}:${d.line}:${d.column}`), ` ${d.severity}: ${d.message}`));
    }
    paintGutter();
    if (failed) { clear(result, h('span', { class: 'error' }, `Does not compile: ${(r.diagnostics || []).filter((d) => d.severity === 'error').length} error(s).`)); return; }
    clear(result, 'Built ', h('code', { class: 'artifact', title: r.sha256 }, short(r.sha256)), ` ${r.filename} ${r.version}, ${r.size} bytes, counter ${r.counter}.`);
    clear(deployBox, startForm(ctx, r.sha256, (d) => ctx.go(`#/deployments/${d.id}`)));
  });

  clear(view, h('h1', {}, 'Editor'), form, result, h('h2', { id: 'diag-h' }, 'Diagnostics'), diags, deployBox);
  paintGutter();
}
