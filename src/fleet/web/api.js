// api.js -- the only way the dashboard talks to fleetd: its public HTTP API
// (docs/fleet-api.md). The session cookie is HttpOnly, so the page never
// sees it; every change is sent with the session's CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.body = body;
  }
}

export class Api {
  constructor() {
    this.csrf = null;
    this.onUnauthorized = null;   // set by the app: back to sign-in
  }

  async req(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    const r = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    const text = await r.text();
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: 'bad_json', detail: text.slice(0, 200) }; }
    if (!r.ok) {
      const err = new ApiError(r.status, data);
      if (r.status === 401 && this.onUnauthorized && !path.endsWith('/session')) this.onUnauthorized(err);
      throw err;
    }
    return data;
  }
  get(path) { return this.req('GET', path); }
  post(path, body) { return this.req('POST', path, body === undefined ? {} : body); }
  put(path, body) { return this.req('PUT', path, body); }
  del(path) { return this.req('DELETE', path); }

  // sessions
  async signIn(token) {
    const s = await this.req('POST', '/api/v1/session', { token });
    this.csrf = s.csrf;
    return s;
  }
  async whoami() {
    const s = await this.get('/api/v1/session');
    this.csrf = s.csrf;
    return s;
  }
  async signOut() {
    try { await this.del('/api/v1/session'); } finally { this.csrf = null; }
  }

  // reads and writes the pages use
  devices() { return this.get('/api/v1/devices'); }
  device(id) { return this.get(`/api/v1/devices/${encodeURIComponent(id)}`); }
  logs(id, since, limit = 200) { return this.get(`/api/v1/devices/${encodeURIComponent(id)}/logs?since=${since}&limit=${limit}`); }
  events(id) { return this.get(`/api/v1/devices/${encodeURIComponent(id)}/events?limit=50`); }
  crashes(id) { return this.get(`/api/v1/devices/${encodeURIComponent(id)}/crashes?limit=50`); }
  telemetry(id, from, to) {
    return this.get(`/api/v1/devices/${encodeURIComponent(id)}/telemetry?from=${from}&to=${to}&limit=5000`);
  }
  artifacts() { return this.get('/api/v1/artifacts?limit=100'); }
  deployments() { return this.get('/api/v1/deployments?limit=50'); }
  deployment(id) { return this.get(`/api/v1/deployments/${encodeURIComponent(id)}`); }
  deploy(spec) { return this.post('/api/v1/deployments', spec); }
  cancel(id) { return this.req('POST', `/api/v1/deployments/${encodeURIComponent(id)}/cancel`); }
  build(source, filename, version) { return this.post('/api/v1/builds', { source, filename, version }); }
}
