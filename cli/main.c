/*
 * cli/main: the plsim binary, a dispatcher over subcommands.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/version.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"checkpoint", cli_cmd_checkpoint, "write a random llama2.c-format checkpoint"},
    {"forward", cli_cmd_forward, "run the reference forward pass, merged or split"},
    {"comm", cli_cmd_comm, "bytes per token crossing the link, per mode"},
    {"resources", cli_cmd_resources, "edge and cloud memory and FLOPs, per mode"},
    {"bench", cli_cmd_bench, "measure the reference pass against memory bandwidth"},
    {"calibrate", cli_cmd_calibrate, "fit the cost model to this host's kernels (an edge entry)"},
    {"run", cli_cmd_run, "simulate a scenario in SimGrid and report throughput"},
    {"paper", cli_cmd_paper, "reproduce the paper's tables; exit 1 if a row is off"},
    {"sweep", cli_cmd_sweep, "simulate the cartesian product of varied keys into a CSV"},
    {"gather", cli_cmd_gather, "merge a Slurm sweep's rows into the sweep's CSV"},
    {"sweep-task", cli_cmd_sweep_task, "run one task of a Slurm sweep (job.sh calls it)"},
    {"plots", cli_cmd_plots, "simulate and render the figures (PNG and SVG)"},
    {"breakeven", cli_cmd_breakeven, "find the RTT or uplink where two designs tie"},
    {"capacity", cli_cmd_capacity, "how many phones the GPUs serve within the SLO"},
    {"trace-gen", cli_cmd_tracegen, "write a synthetic link trace (two-state Markov)"},
    {"atlas", cli_cmd_atlas, "where each design beats the phone, by model and RTT"},
    {"validate", cli_cmd_validate, "check scenario files; exit 0 when all are valid"},
    {"show", cli_cmd_show, "print a resolved scenario with units and provenance"},
    {"list", cli_cmd_list, "list the presets, models, edge devices, GPUs or links"},
};

static void usage(FILE *out)
{
    fputs("Usage: plsim COMMAND [OPTIONS]\n\n"
          "Simulates private split LLM inference (PrivateLoRA) between a phone\n"
          "and a cloud GPU.\n\nCommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'plsim COMMAND --help' (or 'plsim help COMMAND') for a command's options;\n"
          "'plsim --version' prints the version.\n"
          "Example: plsim comm --model llama2-7b --rank 64\n", out);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); // GSL's default handler aborts
    opterr = 0;                  // one error per mistake: ours, not getopt's too
    sim_cleanup_init();          // an interrupted plsim leaves no temporary file
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("plsim %s\n", PLSIM_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) { // plsim help run = plsim run --help
        char help[] = "--help";
        char *args[] = {argv[2], help, NULL};
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[2], commands[i].name) == 0)
                return commands[i].run(2, args);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "plsim: error: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
