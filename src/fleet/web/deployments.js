// deployments.js -- start a deployment (operators), the list with
// per-stage progress, one deployment with per-device jobs, cancel. Live.
import { h, clear, when, badge, table, field, progress, short } from './util.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED'];

// The start form; artifact may be preset (from the editor).
export function startForm(ctx, artifact, onStarted) {
  const art = h('select', { name: 'artifact', required: true }, h('option', { value: '' }, 'loading…'));
  const kind = h('select', { name: 'target' }, h('option', { value: 'devices' }, 'these devices'),
                 h('option', { value: 'tag' }, 'devices with a tag'), h('option', { value: 'all' }, 'every device'));
  const which = h('input', { name: 'which', placeholder: 'dev-1, dev-2', autocomplete: 'off' });
  const stages = h('input', { name: 'stages', value: '100', inputmode: 'numeric', pattern: '\\s*\\d+(\\s*,\\s*\\d+)*\\s*' });
  const maxf = h('input', { name: 'max_failures', type: 'number', min: 0, value: 0 });
  const timeout = h('input', { name: 'job_timeout_s', type: 'number', min: 1, value: 3600 });
  const rollback = h('input', { name: 'rollback', type: 'checkbox', checked: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const whichField = field('Devices or tag', which, 'comma-separated device ids, or one tag');
  kind.addEventListener('change', () => { whichField.hidden = kind.value === 'all'; });
  ctx.api.artifacts().then((r) => {
    clear(art, h('option', { value: '' }, r.artifacts.length ? 'choose an artifact' : 'no artifacts: build one in the Editor'),
      r.artifacts.map((a) => h('option', { value: a.sha256, selected: a.sha256 === artifact },
        `${a.filename} ${a.version} (${short(a.sha256)})`)));
  }).catch((e) => { err.textContent = e.message; });
  const form = h('form', { class: 'card deploy-form', 'aria-labelledby': 'new-h' },
    h('h2', { id: 'new-h' }, 'Start a deployment'),
    field('Artifact', art), field('Target', kind), whichField,
    field('Stages (cumulative %)', stages, 'e.g. 10, 50, 100'),
    field('Failure limit', maxf, 'failed, rejected or timed-out jobs before it halts'),
    field('Job timeout (s)', timeout),
    h('div', { class: 'field check' }, rollback, h('label', { for: rollback.id = 'f-rollback' }, 'Roll back on halt')),
    h('button', { type: 'submit', dataset: { action: 'deploy' } }, 'Start deployment'), err);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    const list = which.value.split(',').map((s) => s.trim()).filter(Boolean);
    const target = kind.value === 'all' ? { all: true } : kind.value === 'tag' ? { tag: list[0] || '' } : { devices: list };
    const spec = { artifact: art.value, target, stages: stages.value.split(',').map((s) => Number(s.trim())),
                   max_failures: Number(maxf.value), job_timeout_s: Number(timeout.value), rollback: rollback.checked };
    try {
      const d = await ctx.api.deploy(spec);
      onStarted(d);
    } catch (e) { err.textContent = `${e.status || ''} ${e.message}`; }
  });
  return form;
}

export function deploymentsPage(ctx, view) {
  const list = h('section', { 'aria-labelledby': 'list-h' });
  clear(view, h('h1', {}, 'Deployments'),
    ctx.can('operator') ? startForm(ctx, null, (d) => ctx.go(`#/deployments/${d.id}`)) : null,
    list);
  ctx.live.feed('deployments', () => ctx.api.deployments(), (r) => {
    clear(list, h('h2', { id: 'list-h' }, 'History'), table(['#', 'Artifact', 'State', 'Stages', 'Jobs', 'Started'],
      r.deployments.map((d) => h('tr', { dataset: { deployment: d.id } },
        h('th', { scope: 'row' }, h('a', { href: `#/deployments/${d.id}` }, `#${d.id}`)),
        h('td', {}, h('code', { title: d.artifact }, short(d.artifact))),
        h('td', {}, badge(d.state)),
        h('td', {}, d.stages.map((s) => h('span', { class: `stage ${s.state}`, title: `stage ${s.index + 1}: ${s.state}` }, `${s.percent}%`))),
        h('td', {}, jobSummary(d.jobs)),
        h('td', {}, when(d.created)))), { empty: 'no deployments yet' }));
  });
}

function jobSummary(jobs) {
  return Object.entries(jobs).filter(([, n]) => n).map(([k, n]) => h('span', { class: `job ${k.toLowerCase()}` }, `${k.toLowerCase().replace('_', ' ')} ${n}`));
}

export function deploymentPage(ctx, view, id) {
  const head = h('section', { class: 'card' });
  const stages = h('section', { 'aria-labelledby': 'stg-h' });
  clear(view, h('p', {}, h('a', { href: '#/deployments' }, '← Deployments')), h('h1', {}, `Deployment #${id}`), head, stages);
  ctx.live.feed('deployment', () => ctx.api.deployment(id), (d) => {
    const done = d.devices - (d.jobs.QUEUED || 0) - (d.jobs.IN_PROGRESS || 0);
    const cancel = ctx.can('operator') && d.state === 'running'
      ? h('button', { type: 'button', class: 'danger', dataset: { action: 'cancel' }, onclick: async (ev) => {
          ev.target.disabled = true;
          try { await ctx.api.cancel(id); ctx.status('Deployment canceled.', 'ok'); } catch (e) { ctx.status(e.message); ev.target.disabled = false; }
        } }, 'Cancel deployment') : null;
    clear(head,
      h('dl', { class: 'kv' },
        h('dt', {}, 'State'), h('dd', {}, badge(d.state)),
        h('dt', {}, 'Artifact'), h('dd', {}, h('code', {}, d.artifact)),
        h('dt', {}, 'Target'), h('dd', {}, h('code', {}, JSON.stringify(d.target))),
        h('dt', {}, 'Progress'), h('dd', {}, progress(done, d.devices, 'deployment progress'), ` ${done}/${d.devices} jobs ended`),
        h('dt', {}, 'Failures'), h('dd', {}, `${d.failures} (limit ${d.max_failures})`),
        h('dt', {}, 'Rollback'), h('dd', {}, d.rollback ? 'yes' : 'no'),
        h('dt', {}, 'Started'), h('dd', {}, when(d.created), ` by ${d.created_by}`)),
      cancel);
    clear(stages, h('h2', { id: 'stg-h' }, 'Stages'), d.stages.map((s) => h('section', { class: 'stage-box', dataset: { stage: s.index } },
      h('h3', {}, `Stage ${s.index + 1}: ${s.percent}% `, badge(s.state)),
      table(['Device', 'Job', 'Phase', 'Progress', 'Reason', 'Rollback'], (s.devices || []).map((j) => h('tr', { dataset: { device: j.device } },
        h('th', { scope: 'row' }, h('a', { href: `#/device/${encodeURIComponent(j.device)}` }, j.device)),
        h('td', {}, badge(j.state, TERMINAL.includes(j.state) ? j.state.toLowerCase() : 'active')),
        h('td', {}, j.phase || '—'),
        h('td', {}, progress(j.progress, 100, `${j.device} progress`), ` ${j.progress}%`),
        h('td', {}, j.reason || '—'),
        h('td', {}, j.rollback ? badge(j.rollback.state) : '—'))), { empty: 'no devices in this stage yet' }))));
  });
}
