/*
 * cli/cmd_scenario: `plsim validate` and `plsim show`.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "scenarios/show.h"

static const char validate_help[] =
    "Usage: plsim validate FILE...\n\n"
    "Loads each scenario (with its extends chain and catalog entries) and\n"
    "prints 'FILE: ok' or one error line per file. Exits 0 when every file\n"
    "is valid and 2 otherwise.\n\n"
    "Example:\n  plsim validate scenarios/*.json\n";

static const char show_help[] =
    "Usage: plsim show FILE\n\n"
    "Prints the fully resolved scenario: every number with its unit, and\n"
    "where it comes from (the scenario file that set it, a default, or the\n"
    "catalog entry's kind and source).\n\n"
    "Example:\n  plsim show scenarios/realistic-5g-us.json\n";

/* Parses --help only; returns the index of the first operand. */
static int only_help(const char *cmd, const char *help, int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            exit(CLI_EXIT_OK);
        }
        cli_bad_option(cmd, argv);
    }
    return optind;
}

int cli_cmd_validate(int argc, char **argv)
{
    const int first = only_help("validate", validate_help, argc, argv);
    if (first >= argc)
        cli_usage_error("validate", "give at least one scenario file");
    int bad = 0;
    for (int i = first; i < argc; i++) {
        scn_scenario_t *s = NULL;
        struct sim_err err;
        if (scn_scenario_load(argv[i], &s, &err) != SIM_OK) {
            fprintf(stderr, "plsim: error: %s\n", err.msg);
            bad++;
        } else {
            printf("%s: ok\n", argv[i]);
        }
        scn_scenario_destroy(s);
    }
    return bad ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}

int cli_cmd_show(int argc, char **argv)
{
    const int first = only_help("show", show_help, argc, argv);
    if (first != argc - 1)
        cli_usage_error("show", "give exactly one scenario file");
    scn_scenario_t *s = NULL;
    struct sim_err err;
    if (scn_scenario_load(argv[first], &s, &err) != SIM_OK)
        cli_die("%s", err.msg);
    scn_scenario_print(stdout, s);
    scn_scenario_destroy(s);
    return CLI_EXIT_OK;
}


static const char list_help[] =
    "Usage: plsim list presets|models|edge|gpu|links|cells\n\n"
    "Lists what a scenario can name: the preset scenarios (a bare preset\n"
    "name works wherever a scenario file does), the LLM architectures, the\n"
    "edge devices, the cloud GPUs, the links and the radio cells of the\n"
    "catalogs, each with its description.\n\n"
    "Example:\n  plsim list links\n";

int cli_cmd_list(int argc, char **argv)
{
    const int first = only_help("list", list_help, argc, argv);
    if (first != argc - 1)
        cli_usage_error("list", "give one of presets, models, edge, gpu, links");
    struct sim_err err;
    char *text = scn_list_text(argv[first], &err);
    if (text == NULL)
        cli_usage_error("list", "%s", err.msg);
    fputs(text, stdout);
    free(text);
    return CLI_EXIT_OK;
}
