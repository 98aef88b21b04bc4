/*
** fapi_web.c -- the dashboard's static files (GET / and GET /{file}) and
** the headers every response carries.
**
** The files are src/fleet/web/ and the chart library (uPlot, from
** node_modules by npm ci of package-lock.json), embedded into the binary at
** build time (embed.cmake): fleetd needs no install path and no network,
** and a request can only name a file of that table -- there is no file
** system behind it, so no path can reach outside it. Each file has an ETag
** (its SHA-256) and Cache-Control: no-cache (revalidated, 304 when
** unchanged); API answers are no-store.
*/
#include <string.h>

#include "fapi_int.h"

/* Content types by file name ending. */
static const struct { const char *ext, *type; } types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
  { ".json", "application/json" },
  { ".txt", "text/plain; charset=utf-8" },
};

static const char *type_of(const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    size_t l = strlen(types[i].ext);
    if (n > l && !strcmp(name + n - l, types[i].ext)) return types[i].type;
  }
  return "application/octet-stream";
}

static void serve(fapi_ctx *c, const char *name) {
  const fapi_web_file *f = NULL;
  for (size_t i = 0; i < fapi_web_nfiles; i++)
    if (!strcmp(fapi_web_files[i].name, name)) f = &fapi_web_files[i];
  if (!f) {
    fapi_fail(c, FAPI_ERR_NOT_FOUND, "no file '%.128s' in the dashboard", name);
    return;
  }
  c->rs->cache_control = "no-cache";
  snprintf(c->rs->etag, sizeof c->rs->etag, "%s", f->etag);
  const char *inm = fapi_header_get(c->rq, "If-None-Match");
  if (inm && strstr(inm, f->etag)) {
    fapi_bytes(c, 304, type_of(name), NULL, 0);
    return;
  }
  fapi_bytes(c, 200, type_of(name), f->data, f->len);
}

void fapi_h_web_index(fapi_ctx *c) { serve(c, "index.html"); }
void fapi_h_web_file(fapi_ctx *c) { serve(c, c->params[0]); }

/* ---- response headers -------------------------------------------------- */

/* Sent with every answer, API or file: no inline script or style, nothing
** from elsewhere, never framed. */
static const fapi_header security[] = {
  { "Content-Security-Policy",
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" },
  { "X-Content-Type-Options", "nosniff" },
  { "Referrer-Policy", "no-referrer" },
  { "X-Frame-Options", "DENY" },
  { "Cross-Origin-Opener-Policy", "same-origin" },
  { "Cross-Origin-Resource-Policy", "same-origin" },
  { "Permissions-Policy", "camera=(), microphone=(), geolocation=()" },
};

size_t fapi_response_headers(const fapi_response *rs, fapi_header *out, size_t cap) {
  size_t n = 0;
#define ADD(k, v) do { if (n < cap) out[n++] = (fapi_header){ (k), (v) }; } while (0)
  ADD("Content-Type", rs->content_type ? rs->content_type : "application/json");
  ADD("Cache-Control", rs->cache_control ? rs->cache_control : "no-store");
  for (size_t i = 0; i < sizeof security / sizeof security[0]; i++) ADD(security[i].name, security[i].value);
  if (rs->content_range[0]) ADD("Content-Range", rs->content_range);
  if (rs->accept_ranges) ADD("Accept-Ranges", "bytes");
  if (rs->allow[0]) ADD("Allow", rs->allow);
  if (rs->www_authenticate) ADD("WWW-Authenticate", "Bearer realm=\"fleetd\"");
  if (rs->set_cookie[0]) ADD("Set-Cookie", rs->set_cookie);
  if (rs->etag[0]) ADD("ETag", rs->etag);
#undef ADD
  return n;
}
