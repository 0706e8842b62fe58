/*
 * main.c - the tongban command line: finds the subcommand and runs it.
 */
#include "app/app.h"
#include "app/backup.h"
#include "audit/audit.h"
#include "cases/generate.h"
#include "licences/licences.h"

#include <stdio.h>
#include <string.h>

/* Sanitizer builds only: cairo 1.16 (Debian 12) loses 768 bytes per CFF font
 * it embeds in a PDF, and fontconfig 288 bytes once at start; both inside
 * the libraries (tests/unit/test_guide.c shows them). Matched by module, as
 * Debian's libraries have no frame pointers for a finer stack. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libcairo.so\nleak:libfontconfig.so\n";
}
#endif

static const char usage[] =
    "tongban " TB_VERSION " - 一网通办 integrated government-service platform\n"
    "\n"
    "usage: tongban COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  init       create a data directory and its database (--demo for demo data)\n"
    "  serve      serve the platform over HTTP\n"
    "  calendar   working-day calendar tools (dump)\n"
    "  admin      administrator accounts (bootstrap)\n"
    "  catalog    import or export the whole catalogue (organisations, items, halls)\n"
    "  audit      audit log tools (verify)\n"
    "  demo       demonstration data (generate cases)\n"
    "  version    print the version\n"
    "\n"
    "Run `tongban COMMAND --help` for the options of a command.\n";

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: tongban version\n\nPrints the version of this binary.");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "tongban version: takes no arguments\n");
        return 2;
    }
    printf("tongban %s\n", TB_VERSION);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"init", tb_cmd_init},       {"serve", tb_cmd_serve},   {"calendar", tb_cmd_calendar},
    {"admin", tb_cmd_admin},     {"audit", audit_cmd},      {"version", cmd_version},
    {"catalog", tb_cmd_catalog}, {"demo", cases_cmd_demo},  {"licences", licences_cmd},
    {"licence", licences_cmd},   {"backup", tb_cmd_backup},
};

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(0, NULL);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tongban: unknown command \"%s\"\n\n%s", argv[1], usage);
    return 2;
}
