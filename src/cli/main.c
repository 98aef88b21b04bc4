/*
** main.c -- `cockpit`: dispatch to the subcommands of commands.def.
*/
#include <string.h>

#include "cli.h"

const cli_command cli_commands[] = {
#define X(name, fn, help) { #name, fn, help },
#include "commands.def"
#undef X
};
const unsigned cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

static const cli_command *find(const char *name) {
  for (unsigned i = 0; i < cli_ncommands; i++)
    if (strcmp(cli_commands[i].name, name) == 0) return &cli_commands[i];
  return NULL;
}

static void overview(FILE *f) {
  fputs("usage: cockpit COMMAND [ARGS...]\n\n"
        "CockpitVM tools: build, assemble, inspect and run guest programs.\n\n"
        "commands:\n", f);
  for (unsigned i = 0; i < cli_ncommands; i++)
    fprintf(f, "  %-9s %s\n", cli_commands[i].name, cli_commands[i].help);
  fputs("\n'cockpit COMMAND --help' shows the options of a command.\n", f);
}

int cmd_help(int argc, char **argv) {
  static const char usage[] =
    "usage: cockpit help [COMMAND]\n\n"
    "Without COMMAND, list the commands; with it, show that command's help.\n";
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  if (argc > 2) return cli_usage_error("help", "too many arguments");
  if (argc == 1) {
    overview(stdout);
    return CLI_EXIT_OK;
  }
  const cli_command *c = find(argv[1]);
  if (!c) return cli_usage_error("help", "unknown command '%s'", argv[1]);
  char *args[] = { argv[1], "--help", NULL };
  return c->fn(2, args);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    overview(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) name = "help";
  if (strcmp(name, "--version") == 0) name = "version";
  const cli_command *c = find(name);
  if (!c) {
    fprintf(stderr, "cockpit: unknown command '%s'\n\n", argv[1]);
    overview(stderr);
    return CLI_EXIT_USAGE;
  }
  argv[1] = (char *)c->name;
  return c->fn(argc - 1, argv + 1);
}
