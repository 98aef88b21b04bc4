/*
** cvm1_inspect.c -- human and JSON descriptions of an artifact.
*/
#include "cvm1_int.h"
