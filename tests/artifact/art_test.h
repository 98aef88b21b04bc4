/*
** art_test.h -- tiny test harness and a sample program for the artifact
** tests.
*/
#ifndef ART_TEST_H
#define ART_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm1.h"

extern int art_failures;
#define CHECK(c) do { if (!(c)) { art_failures++; \
  fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECK_ERR(got, want) do { cvm1_err g_ = (got), w_ = (want); if (g_ != w_) { \
  art_failures++; fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__, __LINE__, \
  #got, cvm1_err_name(g_), cvm1_err_name(w_)); } } while (0)

/* A small valid program: main() { return 42; } plus a helper, one global
** array, read-only data, a data image, lines and names. */
void art_sample(cvm1_image *img);
/* Sample written with fixed meta (version 1.2.3, counter 7); caller frees. */
uint8_t *art_sample_artifact(size_t *len);

#endif
