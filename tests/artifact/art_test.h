/*
** art_test.h -- tiny test harness and a sample program for the artifact
** tests.
*/
#ifndef ART_TEST_H
#define ART_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdlib.h>

#include "cvm1.h"

#include "tcheck.h"

#define CHECK_ERR(got, want) do { cvm1_err g_ = (got), w_ = (want); if (g_ != w_) { \
  t_failures++; fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__, __LINE__, \
  #got, cvm1_err_name(g_), cvm1_err_name(w_)); } } while (0)

/* A small valid program: main() { return 42; } plus a helper, one global
** array, read-only data, a data image, lines and names. */
void art_sample(cvm1_image *img);
/* Sample written with fixed meta (version 1.2.3, counter 7); caller frees. */
uint8_t *art_sample_artifact(size_t *len);
/* Recompute the digest record of an artifact whose trailer starts with it
** (as the writer and signer lay it out), after editing the image. */
void art_reseal(uint8_t *a);
/* A fresh temporary directory (removed by art_cleanup) and paths in it. */
const char *art_tmpdir(void);
char *art_path(const char *name);        /* malloc'd "<tmpdir>/<name>" */
void art_cleanup(void);
/* Generate key pair NAME in the temp dir; returns malloc'd NAME.key path. */
char *art_keygen(const char *name);
/* Sign a buffer with a key path; exits on failure. Caller frees. */
uint8_t *art_sign(const uint8_t *a, size_t len, const char *key, size_t *olen);
/* Little-endian writers for editing artifacts. */
void art_wr16(uint8_t *p, uint32_t v);
void art_wr32(uint8_t *p, uint32_t v);
/* Run the named test of a table; "all" runs every one. */
typedef struct art_case { const char *name; void (*fn)(void); } art_case;
int art_main(int argc, char **argv, const art_case *cases);

#endif
