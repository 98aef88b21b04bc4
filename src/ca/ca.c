/*
** ca.c -- the fleet certificate authority (ca.h): keys and X.509 v3
** certificates with OpenSSL's EVP and X509 interfaces (RFC 5280 profile:
** CA with basicConstraints CA:TRUE, pathlen 0, keyCertSign and cRLSign;
** leaves with CA:FALSE, digitalSignature, an extended key usage, subject
** and authority key identifiers), and the mosquitto configuration.
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "ca.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ed25519.h"

static const char *const err_msg[] = {
#define X(name, msg) msg,
  CA_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(name, msg) #name,
  CA_ERRORS(X)
#undef X
};

const char *ca_err_str(ca_err e) {
  return (unsigned)e < CA_ERR__COUNT ? err_msg[e] : "unknown CA error";
}
const char *ca_err_name(ca_err e) {
  return (unsigned)e < CA_ERR__COUNT ? err_name[e] : "UNKNOWN";
}

/* ---- small helpers ------------------------------------------------------ */

/* Concatenate up to four strings (NULL: none) into out; false if they do
** not fit (out is then empty). */
static bool cat4(char *out, size_t n, const char *a, const char *b, const char *c,
                 const char *e) {
  const char *parts[4] = { a, b, c, e };
  size_t used = 0;
  for (int i = 0; i < 4; i++) {
    if (!parts[i]) continue;
    size_t l = strlen(parts[i]);
    if (used + l >= n) { out[0] = 0; return false; }
    memcpy(out + used, parts[i], l);
    used += l;
  }
  out[used] = 0;
  return true;
}

static void diag_path(ca_diag *d, const char *path) {
  size_t l = path ? strlen(path) : 0;
  if (l >= sizeof d->path) l = sizeof d->path - 1;
  if (l) memcpy(d->path, path, l);
  d->path[l] = 0;
}

static ca_err io_err(ca_diag *d, const char *path) {
  d->sys = errno;
  diag_path(d, path);
  return CA_ERR_IO;
}

static ca_err crypto_err(ca_diag *d) {
  unsigned long e = ERR_get_error();
  if (e) ERR_error_string_n(e, d->ssl, sizeof d->ssl);
  else snprintf(d->ssl, sizeof d->ssl, "no detail");
  ERR_clear_error();
  return CA_ERR_CRYPTO;
}

/* dir + "/" + a + b + c, or false when it does not fit. */
static bool join3(char *out, size_t n, const char *dir, const char *a, const char *b,
                  const char *c) {
  char head[PATH_MAX];
  return cat4(head, sizeof head, dir, "/", a, NULL) && cat4(out, n, head, b, c, NULL);
}
#define join(out, n, dir, a, b) join3(out, n, dir, a, b, NULL)

static bool exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

bool ca_name_ok(const char *s) {
  if (!s) return false;
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok || n >= CA_NAME_MAX) return false;
  }
  return n > 0 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    *v = *v * 10 + (s[i] - '0');
  }
  return true;
}

ca_err ca_parse_time(const char *s, int64_t *t) {
  int y, mo, da, h = 0, mi = 0, se = 0;
  if (!s) return CA_ERR_ARG;
  size_t n = strlen(s);
  if (n != 10 && n != 20) return CA_ERR_VALIDITY;
  if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
      !digits(s + 8, 2, &da))
    return CA_ERR_VALIDITY;
  if (n == 20 && (s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
                  !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se) ||
                  s[19] != 'Z'))
    return CA_ERR_VALIDITY;
  static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12 || da < 1 || da > mdays[mo - 1] ||
      (mo == 2 && da == 29 && !leap) || h > 23 || mi > 59 || se > 59)
    return CA_ERR_VALIDITY;
  *t = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + se;
  return CA_ERR_OK;
}

/* Write a new file (never an existing one) with mode. */
static ca_err write_new(const char *path, const void *buf, size_t len, mode_t mode, ca_diag *d) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return io_err(d, path);
  bool ok = fchmod(fd, mode) == 0;
  for (size_t w = 0; ok && w < len;) {
    ssize_t r = write(fd, (const char *)buf + w, len - w);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) ok = false; else w += (size_t)r;
  }
  if (ok && fsync(fd) != 0) ok = false;
  int saved = errno;
  if (close(fd) != 0 && ok) { ok = false; saved = errno; }
  if (!ok) {
    unlink(path);
    errno = saved;
    return io_err(d, path);
  }
  return CA_ERR_OK;
}

/* Replace a file atomically (temporary file + rename). */
static ca_err write_replace(const char *path, const void *buf, size_t len, mode_t mode,
                            ca_diag *d) {
  char tmp[1200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return io_err(d, path);
  }
  unlink(tmp);
  ca_err e = write_new(tmp, buf, len, mode, d);
  if (e) { diag_path(d, path); return e; }   /* name the file, not its temporary */
  if (rename(tmp, path) != 0) {
    e = io_err(d, path);
    unlink(tmp);
  }
  return e;
}

/* PEM text of a key or certificate into a malloc'd buffer. */
static ca_err pem_of(EVP_PKEY *key, X509 *crt, char **out, size_t *len, ca_diag *d) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (!bio) return CA_ERR_NOMEM;
  int ok = key ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
               : PEM_write_bio_X509(bio, crt);
  char *p;
  long n = BIO_get_mem_data(bio, &p);
  ca_err e = CA_ERR_OK;
  if (!ok || n <= 0) e = crypto_err(d);
  else if (!(*out = malloc((size_t)n))) e = CA_ERR_NOMEM;
  else { memcpy(*out, p, (size_t)n); *len = (size_t)n; }
  BIO_free(bio);
  return e;
}

static ca_err write_pem(const char *path, EVP_PKEY *key, X509 *crt, ca_diag *d) {
  char *txt = NULL;
  size_t len = 0;
  ca_err e = pem_of(key, crt, &txt, &len, d);
  if (e) return e;
  e = write_new(path, txt, len, key ? 0600 : 0644, d);
  OPENSSL_cleanse(txt, len);
  free(txt);
  return e;
}

/* ---- keys and certificates ---------------------------------------------- */

static ca_err new_key(ca_alg alg, EVP_PKEY **key, ca_diag *d) {
  *key = alg == CA_ALG_ED25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                               : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  if (!*key) return crypto_err(d);
  if (alg == CA_ALG_ED25519) {
    /* Keys the CA hands out meet the same bar as every trust store. */
    uint8_t pub[32];
    size_t n = sizeof pub;
    if (!EVP_PKEY_get_raw_public_key(*key, pub, &n) || n != 32) {
      EVP_PKEY_free(*key);
      *key = NULL;
      return crypto_err(d);
    }
    if (ed25519_key_check(pub) != ED25519_KEY_OK) {
      EVP_PKEY_free(*key);
      *key = NULL;
      return CA_ERR_WEAK_KEY;
    }
  }
  return CA_ERR_OK;
}

static ca_alg alg_of(EVP_PKEY *k) {
  return EVP_PKEY_get_id(k) == EVP_PKEY_ED25519 ? CA_ALG_ED25519 : CA_ALG_P256;
}

static bool add_ext(X509 *crt, X509V3_CTX *ctx, int nid, const char *value) {
  X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
  if (!ex) return false;
  int ok = X509_add_ext(crt, ex, -1);
  X509_EXTENSION_free(ex);
  return ok == 1;
}

static bool set_cn(X509_NAME *nm, const char *cn) {
  return X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
                                    0) == 1;
}

static bool set_serial(X509 *crt, uint64_t serial) {
  ASN1_INTEGER *a = ASN1_INTEGER_new();
  bool ok = a && ASN1_INTEGER_set_uint64(a, serial) == 1 && X509_set_serialNumber(crt, a) == 1;
  ASN1_INTEGER_free(a);
  return ok;
}

static bool set_validity(X509 *crt, int64_t nb, int64_t na) {
  return ASN1_TIME_set(X509_getm_notBefore(crt), (time_t)nb) &&
         ASN1_TIME_set(X509_getm_notAfter(crt), (time_t)na);
}

static bool sign(X509 *crt, EVP_PKEY *key) {
  /* Ed25519 signs the certificate itself (no digest); ECDSA with SHA-256. */
  const EVP_MD *md = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
  return X509_sign(crt, key, md) > 0;
}

static int64_t now_s(void) { return (int64_t)time(NULL); }

/* Clock skew allowance: certificates are valid from a few minutes ago. */
#define BACKDATE_S 300

ca_err ca_init(const char *dir, const ca_init_opts *o, ca_diag *d) {
  memset(d, 0, sizeof *d);
  if (!dir || !*dir || !o) return CA_ERR_ARG;
  uint32_t days = o->days ? o->days : 3650;
  if (days > CA_DAYS_MAX) return CA_ERR_VALIDITY;
  const char *cn = o->cn && *o->cn ? o->cn : "CockpitVM fleet CA";
  char kpath[1100], cpath[1100], spath[1100], ipath[1100], dev[1100], srv[1100];
  if (!join(kpath, sizeof kpath, dir, "ca.key", NULL) || !join(cpath, sizeof cpath, dir, "ca.crt", NULL) ||
      !join(spath, sizeof spath, dir, "serial", NULL) || !join(ipath, sizeof ipath, dir, "index.txt", NULL) ||
      !join(dev, sizeof dev, dir, "devices", NULL) || !join(srv, sizeof srv, dir, "servers", NULL)) {
    errno = ENAMETOOLONG;
    return io_err(d, dir);
  }
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return io_err(d, dir);
  struct stat st;
  if (stat(dir, &st) != 0) return io_err(d, dir);
  if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return io_err(d, dir); }
  if (exists(kpath) || exists(cpath)) {
    diag_path(d, exists(kpath) ? kpath : cpath);
    return CA_ERR_EXISTS;
  }

  EVP_PKEY *key = NULL;
  X509 *crt = NULL;
  ca_err e = new_key(o->alg, &key, d);
  if (e) return e;
  e = CA_ERR_NOMEM;
  if (!(crt = X509_new())) goto done;
  int64_t now = now_s();
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, crt, crt, NULL, NULL, 0);
  if (X509_set_version(crt, X509_VERSION_3) != 1 || !set_serial(crt, 1) ||
      !set_validity(crt, now - BACKDATE_S, now + (int64_t)days * 86400) ||
      !set_cn(X509_get_subject_name(crt), cn) ||
      X509_set_issuer_name(crt, X509_get_subject_name(crt)) != 1 || X509_set_pubkey(crt, key) != 1 ||
      !add_ext(crt, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_ext(crt, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_ext(crt, &ctx, NID_subject_key_identifier, "hash") ||
      !add_ext(crt, &ctx, NID_authority_key_identifier, "keyid:always") || !sign(crt, key)) {
    e = crypto_err(d);
    goto done;
  }
  /* The key first, exclusively: of two inits racing, one wins. */
  if ((e = write_pem(kpath, key, NULL, d))) goto done;
  if ((e = write_pem(cpath, NULL, crt, d))) { unlink(kpath); goto done; }
  if ((mkdir(dev, 0700) != 0 && errno != EEXIST) || (mkdir(srv, 0700) != 0 && errno != EEXIST)) {
    e = io_err(d, errno == EEXIST ? srv : dev);
  } else if (!(e = write_replace(spath, "02\n", 3, 0644, d))) {
    e = write_replace(ipath, "", 0, 0644, d);
  }
  if (e) { unlink(kpath); unlink(cpath); }
done:
  X509_free(crt);
  EVP_PKEY_free(key);
  return e;
}

/* An encrypted key is refused rather than asked for on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) {
  (void)buf; (void)size; (void)rwflag; (void)u;
  return -1;
}

/* The CA's key and certificate, checked to belong together. */
static ca_err load_ca(const char *dir, EVP_PKEY **key, X509 **crt, ca_diag *d) {
  char kpath[1100], cpath[1100];
  if (!join(kpath, sizeof kpath, dir, "ca.key", NULL) || !join(cpath, sizeof cpath, dir, "ca.crt", NULL)) {
    errno = ENAMETOOLONG;
    return io_err(d, dir);
  }
  if (!exists(kpath) || !exists(cpath)) {
    diag_path(d, dir);
    return CA_ERR_NO_CA;
  }
  FILE *f = fopen(kpath, "r");
  if (!f) return io_err(d, kpath);
  *key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
  fclose(f);
  if (!(f = fopen(cpath, "r"))) { EVP_PKEY_free(*key); *key = NULL; return io_err(d, cpath); }
  *crt = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  ERR_clear_error();
  if (!*key || !*crt || X509_check_private_key(*crt, *key) != 1 ||
      (EVP_PKEY_get_id(*key) != EVP_PKEY_ED25519 && EVP_PKEY_get_id(*key) != EVP_PKEY_EC)) {
    ERR_clear_error();
    EVP_PKEY_free(*key);
    X509_free(*crt);
    *key = NULL;
    *crt = NULL;
    diag_path(d, dir);
    return CA_ERR_CA_BROKEN;
  }
  return CA_ERR_OK;
}

/* The serial file, locked for the whole issue. */
typedef struct serial_lock { int fd; uint64_t next; } serial_lock;

static ca_err serial_take(const char *dir, serial_lock *s, ca_diag *d) {
  char path[1100], buf[64];
  if (!join(path, sizeof path, dir, "serial", NULL)) { errno = ENAMETOOLONG; return io_err(d, dir); }
  s->fd = open(path, O_RDWR);
  if (s->fd < 0) return io_err(d, path);
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  while (fcntl(s->fd, F_SETLKW, &fl) != 0)
    if (errno != EINTR) { ca_err e = io_err(d, path); close(s->fd); return e; }
  ssize_t n = pread(s->fd, buf, sizeof buf - 1, 0);
  if (n < 0) { ca_err e = io_err(d, path); close(s->fd); return e; }
  buf[n] = 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(buf, &end, 16);
  while (*end == '\n' || *end == '\r' || *end == ' ') end++;
  if (n == 0 || errno || *end || buf[0] == '-' || v < 2 || v >= UINT64_MAX) {
    close(s->fd);
    diag_path(d, path);
    return CA_ERR_SERIAL;
  }
  s->next = v;
  return CA_ERR_OK;
}

static ca_err serial_bump(serial_lock *s, const char *dir, ca_diag *d) {
  char buf[32], path[1100];
  join(path, sizeof path, dir, "serial", NULL);
  int n = snprintf(buf, sizeof buf, "%02llx\n", (unsigned long long)(s->next + 1));
  if (pwrite(s->fd, buf, (size_t)n, 0) != n || ftruncate(s->fd, n) != 0 || fsync(s->fd) != 0)
    return io_err(d, path);
  return CA_ERR_OK;
}

static bool is_ipv4(const char *s) {
  int parts = 0;
  while (*s) {
    int v = 0, nd = 0;
    while (*s >= '0' && *s <= '9') { v = v * 10 + (*s++ - '0'); if (++nd > 3) return false; }
    if (!nd || v > 255) return false;
    parts++;
    if (*s == '.') { s++; if (!*s) return false; }
    else if (*s) return false;
  }
  return parts == 4;
}

/* subjectAltName for a server: DNS names, IPv4 literals; "localhost"
** also stands for 127.0.0.1 and ::1. */
static bool san_value(const ca_issue_opts *o, char *out, size_t n) {
  size_t used = 0;
  out[0] = 0;
  for (unsigned i = 0; i <= o->nalt; i++) {
    const char *nm = i == 0 ? o->name : o->alt[i - 1];
    char item[128];
    if (is_ipv4(nm)) snprintf(item, sizeof item, "IP:%s", nm);
    else if (strcmp(nm, "localhost") == 0) snprintf(item, sizeof item, "DNS:localhost,IP:127.0.0.1,IP:::1");
    else snprintf(item, sizeof item, "DNS:%s", nm);
    int r = snprintf(out + used, n - used, "%s%s", used ? "," : "", item);
    if (r < 0 || (size_t)r >= n - used) return false;
    used += (size_t)r;
  }
  return true;
}

static void index_line(const char *dir, const ca_issue_opts *o, const ca_issued *out) {
  char path[1100], line[256];
  if (!join(path, sizeof path, dir, "index.txt", NULL)) return;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) return;
  int n = snprintf(line, sizeof line, "%s\t%s\t%s\t%lld\n", out->serial,
                   o->kind == CA_DEVICE ? "device" : "server", o->name, (long long)out->not_after);
  if (n > 0 && write(fd, line, (size_t)n) != n) { /* the index is informative only */ }
  close(fd);
}

ca_err ca_issue(const char *dir, const ca_issue_opts *o, ca_issued *out, ca_diag *d) {
  memset(d, 0, sizeof *d);
  memset(out, 0, sizeof *out);
  if (!dir || !o) return CA_ERR_ARG;
  if (!ca_name_ok(o->name)) { diag_path(d, o->name); return CA_ERR_NAME; }
  if (o->nalt > CA_MAX_ALT || (o->nalt && o->kind != CA_SERVER)) return CA_ERR_ARG;
  for (unsigned i = 0; i < o->nalt; i++)
    if (!ca_name_ok(o->alt[i])) { diag_path(d, o->alt[i]); return CA_ERR_NAME; }
  if (o->days > CA_DAYS_MAX || (o->has_not_after && o->not_after <= 0)) return CA_ERR_VALIDITY;

  const char *sub = o->kind == CA_DEVICE ? "devices/" : "servers/";
  const char *other = o->kind == CA_DEVICE ? "servers/" : "devices/";
  char otherc[1100];
  if (!join3(out->crt, sizeof out->crt, dir, sub, o->name, ".crt") ||
      !join3(out->key, sizeof out->key, dir, sub, o->name, ".key") ||
      !join3(otherc, sizeof otherc, dir, other, o->name, ".crt")) {
    errno = ENAMETOOLONG;
    return io_err(d, dir);
  }

  EVP_PKEY *cakey = NULL, *key = NULL;
  X509 *cacrt = NULL, *crt = NULL;
  ca_err e = load_ca(dir, &cakey, &cacrt, d);
  if (e) return e;
  serial_lock sl = { -1, 0 };
  if ((e = serial_take(dir, &sl, d))) goto done;
  if (exists(out->crt) || exists(out->key)) {
    diag_path(d, exists(out->crt) ? out->crt : out->key);
    e = CA_ERR_ISSUED;
    goto done;
  }
  if (exists(otherc)) { diag_path(d, otherc); e = CA_ERR_NAME_TAKEN; goto done; }

  out->alg = alg_of(cakey);
  if ((e = new_key(out->alg, &key, d))) goto done;
  int64_t now = now_s();
  int64_t na = o->has_not_after ? o->not_after : now + (int64_t)(o->days ? o->days : 365) * 86400;
  int64_t nb = now - BACKDATE_S;
  if (nb >= na) nb = na - 86400;          /* an already expired certificate */
  /* Not beyond the CA's own end of validity. */
  const ASN1_TIME *ca_na = X509_get0_notAfter(cacrt);
  struct tm tm;
  if (ASN1_TIME_to_tm(ca_na, &tm) == 1) {
    int64_t cana = days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                   tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    if (cana <= now && !o->has_not_after) { diag_path(d, dir); e = CA_ERR_CA_EXPIRED; goto done; }
    if (na > cana) na = cana;
    if (nb >= na) nb = na - 86400;
  }
  out->not_before = nb;
  out->not_after = na;
  snprintf(out->serial, sizeof out->serial, "%02llx", (unsigned long long)sl.next);

  char san[1024];
  if (o->kind == CA_SERVER && !san_value(o, san, sizeof san)) { e = CA_ERR_ARG; goto done; }
  e = CA_ERR_NOMEM;
  if (!(crt = X509_new())) goto done;
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cacrt, crt, NULL, NULL, 0);
  if (X509_set_version(crt, X509_VERSION_3) != 1 || !set_serial(crt, sl.next) ||
      !set_validity(crt, nb, na) || !set_cn(X509_get_subject_name(crt), o->name) ||
      X509_set_issuer_name(crt, X509_get_subject_name(cacrt)) != 1 ||
      X509_set_pubkey(crt, key) != 1 ||
      !add_ext(crt, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(crt, &ctx, NID_key_usage, "critical,digitalSignature") ||
      !add_ext(crt, &ctx, NID_ext_key_usage,
               o->kind == CA_DEVICE ? "clientAuth" : "serverAuth,clientAuth") ||
      !add_ext(crt, &ctx, NID_subject_key_identifier, "hash") ||
      !add_ext(crt, &ctx, NID_authority_key_identifier, "keyid:always") ||
      (o->kind == CA_SERVER && !add_ext(crt, &ctx, NID_subject_alt_name, san)) ||
      !sign(crt, cakey)) {
    e = crypto_err(d);
    goto done;
  }
  if ((e = write_pem(out->key, key, NULL, d))) goto done;
  if ((e = write_pem(out->crt, NULL, crt, d))) { unlink(out->key); goto done; }
  if ((e = serial_bump(&sl, dir, d))) { unlink(out->key); unlink(out->crt); goto done; }
  index_line(dir, o, out);
done:
  if (sl.fd >= 0) close(sl.fd);        /* releases the lock */
  X509_free(crt);
  X509_free(cacrt);
  EVP_PKEY_free(key);
  EVP_PKEY_free(cakey);
  return e;
}

/* ---- mosquitto ---------------------------------------------------------- */

/* mosquitto reads its configuration line by line and trims the ends. */
static bool conf_safe(const char *s) {
  size_t n = strlen(s);
  if (!n || s[n - 1] == ' ' || s[0] == ' ') return false;
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
  return true;
}

static ca_err need_file(const char *path, ca_err missing, ca_diag *d) {
  if (exists(path)) return CA_ERR_OK;
  diag_path(d, path);
  return missing;
}

/* The device's side of the ACL, from the copilot's topic table
** (src/copilot/core/cop_topics.def, docs/fleet-protocol.md): a device
** writes the topics it reports on and reads the ones that bring it work;
** "{job}" is any one level. */
enum { CA_COP_UP, CA_COP_DOWN };
static const struct ca_topic { const char *suffix; int dir; } ca_topics[] = {
#define X(name, suffix, dir, qos, retained, queued) { suffix, CA_##dir },
#include "cop_topics.def"
#undef X
};

/* Append to out[cap] at *n; false when it does not fit. */
static bool addf(char *out, size_t cap, size_t *n, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static bool addf(char *out, size_t cap, size_t *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(out + *n, cap - *n, fmt, ap);
  va_end(ap);
  if (k < 0 || (size_t)k >= cap - *n) return false;
  *n += (size_t)k;
  return true;
}

/* The ACL file's text into out; its length, or -1 if it does not fit. */
static int acl_text(char *out, size_t cap, const char *abs, const char *backend) {
  size_t n = 0;
  bool ok = addf(out, cap, &n,
    "# mosquitto ACL for the CockpitVM fleet CA in %s,\n"
    "# written by `cockpit ca broker-config` (docs/provisioning.md).\n"
    "# The user name is the client certificate's CN (use_identity_as_username).\n"
    "#\n"
    "# A device publishes on its own reports' topics only, and reads its own\n"
    "# work only (docs/fleet-protocol.md):\n", abs);
  for (int dir = CA_COP_UP; dir <= CA_COP_DOWN; dir++)
    for (size_t i = 0; ok && i < sizeof ca_topics / sizeof ca_topics[0]; i++) {
      const char *s = ca_topics[i].suffix, *job = strstr(s, "{job}");
      if (ca_topics[i].dir != dir) continue;
      ok = addf(out, cap, &n, "pattern %s fleet/devices/%%u/%.*s%s%s\n",
                dir == CA_COP_UP ? "write" : "read", job ? (int)(job - s) : (int)strlen(s), s,
                job ? "+" : "", job ? job + 5 : "");
    }
  ok = ok && addf(out, cap, &n,
    "\n"
    "# The backend reads and writes every device's topics:\n"
    "user %s\n"
    "topic readwrite fleet/#\n", backend);
  return ok ? (int)n : -1;
}

ca_err ca_broker_config(const char *dir, const ca_broker_opts *o, ca_broker_files *f,
                        ca_diag *d) {
  memset(d, 0, sizeof *d);
  memset(f, 0, sizeof *f);
  if (!dir || !o || o->port == 0 || o->port > 65535) return CA_ERR_ARG;
  const char *server = o->server ? o->server : "localhost";
  const char *backend = o->backend ? o->backend : "fleetd";
  if (!ca_name_ok(server)) { diag_path(d, server); return CA_ERR_NAME; }
  if (!ca_name_ok(backend)) { diag_path(d, backend); return CA_ERR_NAME; }
  if (o->user && !ca_name_ok(o->user)) { diag_path(d, o->user); return CA_ERR_NAME; }
  char abs[PATH_MAX];
  if (!realpath(dir, abs)) return io_err(d, dir);
  if (!conf_safe(abs)) { diag_path(d, abs); return CA_ERR_PATH; }
  char cafile[1100], crt[1100], key[1100], bcrt[1100], bdev[1100];
  if (!join(cafile, sizeof cafile, abs, "ca.crt", NULL) ||
      !join3(crt, sizeof crt, abs, "servers/", server, ".crt") ||
      !join3(key, sizeof key, abs, "servers/", server, ".key") ||
      !join3(bcrt, sizeof bcrt, abs, "servers/", backend, ".crt") ||
      !join3(bdev, sizeof bdev, abs, "devices/", backend, ".crt")) {
    errno = ENAMETOOLONG;
    return io_err(d, dir);
  }
  ca_err e;
  if ((e = need_file(cafile, CA_ERR_NO_CA, d)) || (e = need_file(crt, CA_ERR_NO_SERVER, d)) ||
      (e = need_file(key, CA_ERR_NO_SERVER, d)))
    return e;
  if (exists(bdev)) { diag_path(d, bdev); return CA_ERR_BACKEND_IS_DEVICE; }
  if ((e = need_file(bcrt, CA_ERR_NO_SERVER, d))) return e;

  /* Output paths: the ACL beside the configuration. */
  bool fits = o->out ? cat4(f->conf, sizeof f->conf, o->out, NULL, NULL, NULL)
                     : join(f->conf, sizeof f->conf, abs, "mosquitto.conf", NULL);
  if (fits && o->acl) {
    fits = cat4(f->acl, sizeof f->acl, o->acl, NULL, NULL, NULL);
  } else if (fits) {
    size_t n = strlen(f->conf);
    bool dotconf = n > 5 && strcmp(f->conf + n - 5, ".conf") == 0;
    fits = cat4(f->acl, sizeof f->acl, f->conf, ".acl", NULL, NULL);
    if (fits && dotconf) memmove(f->acl + n - 5, f->acl + n, 5);   /* x.conf.acl -> x.acl */
  }
  if (!fits) { errno = ENAMETOOLONG; return io_err(d, o->out ? o->out : dir); }
  /* The ACL's path goes into the configuration: make it absolute. */
  char aclabs[PATH_MAX + 64], cwd[PATH_MAX];
  if (f->acl[0] != '/' && !getcwd(cwd, sizeof cwd)) return io_err(d, ".");
  if (!(f->acl[0] == '/' ? cat4(aclabs, sizeof aclabs, f->acl, NULL, NULL, NULL)
                         : cat4(aclabs, sizeof aclabs, cwd, "/", f->acl, NULL))) {
    errno = ENAMETOOLONG;
    return io_err(d, f->acl);
  }
  if (!conf_safe(aclabs)) { diag_path(d, aclabs); return CA_ERR_PATH; }
  /* Persistence: an existing folder, absolute, ending in '/' (mosquitto
  ** joins the file name to it as it stands). */
  char persist[PATH_MAX + 64] = "persistence false\n";
  if (o->persist) {
    char pabs[PATH_MAX];
    if (!realpath(o->persist, pabs)) return io_err(d, o->persist);
    if (!conf_safe(pabs)) { diag_path(d, pabs); return CA_ERR_PATH; }
    if (snprintf(persist, sizeof persist, "persistence true\npersistence_location %s%s\n", pabs,
                 strcmp(pabs, "/") ? "/" : "") >= (int)sizeof persist) {
      errno = ENAMETOOLONG;
      return io_err(d, o->persist);
    }
  }

  char acl[4096];
  int an = acl_text(acl, sizeof acl, abs, backend);
  if (an < 0 || (size_t)an >= sizeof acl) return CA_ERR_ARG;

  char conf[8192];
  char userline[128] = "";
  if (o->user) snprintf(userline, sizeof userline, "user %s\n", o->user);
  int cn = snprintf(conf, sizeof conf,
    "# mosquitto configuration for the CockpitVM fleet CA in %s,\n"
    "# written by `cockpit ca broker-config` (docs/provisioning.md).\n"
    "# Run: mosquitto -c %s\n"
    "#\n"
    "# One listener, TLS only, on the loopback interface; every client shows\n"
    "# a certificate of this CA, and its CN is its user name for the ACL.\n"
    "per_listener_settings false\n"
    "allow_anonymous false\n"
    "%s"
    "%s"
    "acl_file %s\n"
    "\n"
    "listener %u 127.0.0.1\n"
    "protocol mqtt\n"
    "cafile %s\n"
    "certfile %s\n"
    "keyfile %s\n"
    "tls_version tlsv1.2\n"
    "require_certificate true\n"
    "use_identity_as_username true\n",
    abs, f->conf, persist, userline, aclabs, (unsigned)o->port, cafile, crt, key);
  if (cn < 0 || (size_t)cn >= sizeof conf) return CA_ERR_ARG;
  if ((e = write_replace(f->acl, acl, (size_t)an, 0644, d))) return e;
  return write_replace(f->conf, conf, (size_t)cn, 0644, d);
}
