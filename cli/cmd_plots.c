/*
 * cli/cmd_plots: `plsim plots`, the figures of analysis/figures.
 */
#include <getopt.h>
#include <stdlib.h>

#include "analysis/figures.h"
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "util/progress.h"

static const char plots_help[] =
    "Usage: plsim plots [-o DIR] [-j N] [-q]\n\n"
    "Simulates and renders the figures as PNG and SVG into DIR (default\n"
    "results/plots), with the data of each as CSV beside it:\n"
    "  tps_vs_rank      decode and prefill tokens/s against rank, 7B/13B/30B\n"
    "  tps_vs_batch     decode tokens/s against batch size\n"
    "  tps_vs_rtt       against RTT, PrivateLoRA additive and overlap, naive\n"
    "                   split, device-only, cloud-only, break-even marked\n"
    "  tps_vs_uplink    against uplink bandwidth\n"
    "  bytes_per_token  bytes per token by mode, log scale\n"
    "  breakdown        per-token time by cause, paper's link and US 5G\n"
    "Needs gnuplot (make deps installs it).\n\n"
    "Example:\n  plsim plots -o results/plots\n";

static void progress_cb(void *ctx, int64_t done)
{
    sim_progress_update(ctx, done);
}

enum sim_status cli_figures_make(const char *dir, int jobs, int quiet, struct sim_err *err)
{
    struct sim_progress prog;
    sim_progress_begin(&prog, "plots", ana_figures_points(), quiet);
    const enum sim_status st = ana_figures_make(dir, scn_presets_dir(), jobs, progress_cb,
                                                &prog, err);
    sim_progress_end(&prog);
    return st;
}

int cli_cmd_plots(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = "results/plots";
    int jobs = ana_default_jobs(), quiet = 0, c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'j': jobs = (int)cli_parse_int("plots", "-j", optarg, 1, 256); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(plots_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("plots", argv);
        }
    }
    if (optind != argc)
        cli_usage_error("plots", "unexpected argument '%s'", argv[optind]);
    struct sim_err err;
    if (cli_figures_make(dir, jobs, quiet, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (!quiet)
        fprintf(stderr, "plsim plots: %d figures (PNG and SVG) in %s\n",
                ana_figures_count(), dir);
    return CLI_EXIT_OK;
}
