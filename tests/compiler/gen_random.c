/*
** gen_random.c -- random Cockpit C programs for differential testing
** (tests/compiler/run_random.sh runs each on the VM and natively and
** compares). A program mixes every integer type in random expressions,
** assignments, compound assignments, increments, loops, switches, calls
** with array parameters and 2-D arrays, and prints a running hash.
**
** Programs stay inside defined C (with -fwrapv): divisors are never 0 or
** -1, shift counts are 0..31, indexes are masked to the array sizes,
** every variable is initialised, and no expression modifies a variable it
** also reads.
**
** usage: gen_random SEED > prog.c
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? (uint32_t)(rng % n) : 0;
}

static const char *const types[] = { "int", "unsigned", "int8_t", "uint8_t", "int16_t",
                                     "uint16_t", "char", "bool", "short", "unsigned char" };
#define NTYPES 10

typedef struct var { char name[16]; int type; } var;

static var globals[8], locals[24];
static int nglobals, nlocals;
static int depth;          /* statement nesting */
static int loopvars;       /* counting variables in scope: k0..k(n-1) */

/* arrays: a0 int[8], a1 uint8_t[16], a2 int16_t[8], m0 int[4][8], m1 uint16_t[8][4] */

static void expr(int d);

static void constant(void) {
  switch (rnd(6)) {
    case 0: printf("%u", rnd(10)); break;
    case 1: printf("(%d)", (int)rnd(300) - 150); break;
    case 2: printf("%uu", rnd(100000)); break;
    case 3: printf("0x%x", (unsigned)(rnd(0xFFFF) * 65537u)); break;
    case 4: printf("(%d)", (int)(rnd(2000000) * 1000) - 1000000000); break;
    default: printf("'%c'", 'a' + rnd(26)); break;
  }
}

static void index_of(uint32_t size, int d) {
  /* always in range: masked (sizes are powers of two) */
  printf("((");
  if (loopvars && rnd(2)) printf("k%u", rnd((uint32_t)loopvars));
  else if (d <= 0) printf("%u", rnd(2 * size));
  else expr(d);
  printf(") & %u)", size - 1);
}

static void lvalue_name(void) {
  if (nlocals && rnd(3)) printf("%s", locals[rnd((uint32_t)nlocals)].name);
  else printf("%s", globals[rnd((uint32_t)nglobals)].name);
}

static void element(int d) {
  switch (rnd(6)) {
    case 5: printf("la["); index_of(16, d); printf("]"); break;
    case 0: printf("a0["); index_of(8, d); printf("]"); break;
    case 1: printf("a1["); index_of(16, d); printf("]"); break;
    case 2: printf("a2["); index_of(8, d); printf("]"); break;
    case 3: printf("m0["); index_of(4, d); printf("]["); index_of(8, d); printf("]"); break;
    default: printf("m1["); index_of(8, d); printf("]["); index_of(4, d); printf("]"); break;
  }
}

static void expr(int d) {
  if (d <= 0) {
    switch (rnd(4)) {
      case 0: constant(); return;
      case 1: element(0); return;
      case 2:
        if (loopvars) { printf("k%u", rnd((uint32_t)loopvars)); return; }
        /* fall through */
      default: lvalue_name(); return;
    }
  }
  static const char *const bin[] = { "+", "-", "*", "&", "|", "^", "<", "<=", ">", ">=",
                                     "==", "!=", "&&", "||" };
  switch (rnd(10)) {
    case 0: printf("(-"); expr(d - 1); printf(")"); break;
    case 1: printf("(~"); expr(d - 1); printf(")"); break;
    case 2: printf("(!"); expr(d - 1); printf(")"); break;
    case 3: printf("((%s)", types[rnd(NTYPES)]); expr(d - 1); printf(")"); break;
    case 4:   /* division by a nonzero, non -1 value */
      printf("(");
      expr(d - 1);
      printf(rnd(2) ? " / " : " %% ");
      if (rnd(2)) printf("%u", 2 + rnd(20));
      else { printf("(int)(((unsigned)("); expr(d - 1); printf(") & 7u) + 2u)"); }
      printf(")");
      break;
    case 5:   /* shift by 0..31 */
      printf("(");
      expr(d - 1);
      printf(rnd(2) ? " << " : " >> ");
      if (rnd(2)) printf("%u", rnd(32));
      else { printf("(("); expr(d - 1); printf(") & 31)"); }
      printf(")");
      break;
    case 6:
      printf("(");
      expr(d - 1);
      printf(" ? ");
      expr(d - 1);
      printf(" : ");
      expr(d - 1);
      printf(")");
      break;
    case 7:
      switch (rnd(4)) {
        case 0: case 1:
          printf("f%u(", rnd(2));
          expr(d - 2);
          printf(", ");
          expr(d - 2);
          printf(rnd(2) ? ", a0)" : ", b0)");
          break;
        case 2:
          printf("f2(");
          expr(d - 2);
          printf(", ");
          expr(d - 2);
          printf(")");
          break;
        default:
          printf("f3(m0, ");
          expr(d - 2);
          printf(rnd(2) ? ", la)" : ", a1)");
          break;
      }
      break;
    default:
      printf("(");
      expr(d - 1);
      printf(" %s ", bin[rnd(14)]);
      expr(d - 1);
      printf(")");
      break;
  }
}

static void indent(void) {
  for (int i = 0; i < depth + 1; i++) printf("  ");
}

static void stmt(void);

static void block(int n) {
  printf("{\n");
  depth++;
  int saved = nlocals;
  for (int i = 0; i < n; i++) stmt();
  nlocals = saved;
  depth--;
  indent();
  printf("}\n");
}

static int in_case;          /* a statement right after a case label */
static void stmt_body(int choice);

static void stmt(void) {
  indent();
  int choice = depth > 3 ? (int)rnd(6) : (int)rnd(11);
  if (in_case && choice == 6) choice = 4;
  in_case = 0;
  int saved_locals = nlocals;
  if (choice >= 9) {          /* switch, while: their declarations end with them */
    stmt_body(choice);
    nlocals = saved_locals;
    return;
  }
  stmt_body(choice);
}

static void stmt_body(int choice) {
  static const char *const ops[] = { "+=", "-=", "*=", "&=", "|=", "^=" };
  switch (choice) {
    case 0: case 1:
      lvalue_name();
      printf(" = ");
      expr(3);
      printf(";\n");
      break;
    case 2:
      lvalue_name();
      printf(" %s ", ops[rnd(6)]);
      expr(2);
      printf(";\n");
      break;
    case 3:
      element(1);
      printf(rnd(2) ? " = " : " += ");
      expr(3);
      printf(";\n");
      break;
    case 4:
      printf("mix(");
      expr(3);
      printf(");\n");
      break;
    case 5:
      if (rnd(2)) { lvalue_name(); printf(rnd(2) ? "++;\n" : "--;\n"); }
      else { element(1); printf(rnd(2) ? "++;\n" : "--;\n"); }
      break;
    case 6: {
      if (nlocals < 24) {
        var *v = &locals[nlocals];
        snprintf(v->name, sizeof v->name, "v%d", nlocals);
        v->type = (int)rnd(NTYPES);
        printf("%s %s = ", types[v->type], v->name);
        expr(2);
        printf(";\n");
        nlocals++;
      } else {
        printf(";\n");
      }
      break;
    }
    case 7:
      printf("if (");
      expr(2);
      printf(") ");
      block(1 + (int)rnd(3));
      if (rnd(2)) {
        indent();
        printf("else ");
        block(1 + (int)rnd(2));
      }
      break;
    case 8: {
      int k = loopvars++;
      printf("for (int k%d = %u; k%d %s %u; k%d%s) ", k, rnd(3), k, rnd(2) ? "<" : "<=",
             3 + rnd(6), k, rnd(3) ? "++" : " += 2");
      block(1 + (int)rnd(3));
      loopvars--;
      break;
    }
    case 9: {
      printf("switch ((");
      expr(2);
      printf(") & 7) {\n");
      depth++;
      for (int c = 0; c < 4; c++) {
        indent();
        printf("case %u:\n", c * 2 + rnd(2));
        depth++;
        in_case = 1;
        stmt();
        if (rnd(2)) { indent(); printf("break;\n"); }
        depth--;
      }
      indent();
      printf("default:\n");
      depth++;
      in_case = 1;
      stmt();
      depth--;
      depth--;
      indent();
      printf("}\n");
      break;
    }
    default: {
      int k = loopvars++;
      printf("{\n");
      depth++;
      indent();
      printf("int k%d = 0;\n", k);
      indent();
      printf("while (k%d < %u) ", k, 2 + rnd(4));
      printf("{\n");
      depth++;
      stmt();
      indent();
      printf("k%d++;\n", k);
      depth--;
      indent();
      printf("}\n");
      depth--;
      indent();
      printf("}\n");
      loopvars--;
      break;
    }
  }
}

int main(int argc, char **argv) {
  uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
  rng = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int i = 0; i < 5; i++) rnd(1);
  printf("/* random program, seed %llu */\n", (unsigned long long)seed);
  printf("#include <stdio.h>\n#include <stdint.h>\n#include <stdbool.h>\n\n");
  printf("uint32_t hash = 2166136261u;\n");
  printf("void mix(int v) { hash = (hash ^ (uint32_t)v) * 16777619u; }\n");
  nglobals = 8;
  for (int i = 0; i < nglobals; i++) {
    snprintf(globals[i].name, sizeof globals[i].name, "g%d", i);
    globals[i].type = (int)rnd(NTYPES);
    printf("%s g%d = ", types[globals[i].type], i);
    constant();
    printf(";\n");
  }
  printf("int a0[8] = { 1, -2, 3, -4, 5, -6, 7, -8 };\n");
  printf("uint8_t a1[16] = { 200, 1, 2, 3, 250 };\n");
  printf("int16_t a2[8] = { -30000, 30000, 7 };\n");
  printf("int m0[4][8] = { { 1, 2 }, { 3 }, { -5, 6, 7 } };\n");
  printf("uint16_t m1[8][4] = { { 65535, 1 }, { 2 } };\n");
  printf("int b0[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };\n\n");
  /* two pure helpers with array parameters (any evaluation order gives
  ** the same result) */
  for (int f = 0; f < 2; f++) {
    printf("int f%d(int p, int q, int arr[]) {\n", f);
    printf("  int r = p %s q;\n", f ? "^" : "+");
    printf("  r += arr[(unsigned)q & 7u] * %d;\n", f + 2);
    printf("  for (int i = 0; i < 8; i++) r = r * 3 + arr[i];\n");
    printf("  return r %s arr[(unsigned)p & 7u];\n}\n\n", f ? "-" : "+");
  }
  printf("int8_t f2(uint8_t p, int16_t q) { return (int8_t)(p * 3 + q); }\n");
  printf("unsigned f3(int m[][8], int r, uint8_t v[]) {\n"
         "  unsigned s = 0;\n"
         "  for (int k = 0; k < 8; k++) s = s * 7u + (unsigned)m[r & 3][k] + v[k];\n"
         "  return s;\n}\n\n");
  printf("int main(void) {\n");
  printf("  uint8_t la[16] = { 3, (uint8_t)g0, 250 };\n");
  nlocals = 0;
  int n = 12 + (int)rnd(12);
  for (int i = 0; i < n; i++) stmt();
  printf("  for (int i = 0; i < 8; i++) mix(a0[i] + a2[i] + b0[i]);\n");
  printf("  for (int i = 0; i < 16; i++) mix(a1[i] + la[i]);\n");
  printf("  for (int i = 0; i < 4; i++) for (int j = 0; j < 8; j++) mix(m0[i][j] + m1[j][i]);\n");
  for (int i = 0; i < nglobals; i++) printf("  mix(g%d);\n", i);
  printf("  printf(\"%%08x\\n\", hash);\n");
  printf("  return 0;\n}\n");
  return 0;
}
