/* tcheck.h -- minimal checks for the boot and link tests: CHECK counts a
** failure and says where; a test program exits 1 if any failed. */
#ifndef TCHECK_H
#define TCHECK_H
#include <stdio.h>
#include <stdlib.h>

static int t_failures;
#define CHECK(c) do { if (!(c)) { t_failures++; \
  fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECKF(c, ...) do { if (!(c)) { t_failures++; \
  fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #c); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define REQUIRE(c) do { if (!(c)) { \
  fprintf(stderr, "%s:%d: required: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)
#endif
