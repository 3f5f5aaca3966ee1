/*
 * cli/cmd_atlas: `plsim atlas`, where each design beats the phone
 * (analysis/atlas).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/atlas.h"
#include "cli/cli.h"
#include "util/progress.h"

static const char atlas_help[] =
    "Usage: plsim atlas [-o DIR] [--model PRESET ...] [--design NAME ...]\n"
    "                   [--set KEY=V ...] [-j N] [-q]\n\n"
    "Where each design beats the phone. For each model preset (default\n"
    "paper-7b, paper-13b and paper-30b) and each design (PrivateLoRA, with\n"
    "overlap, with first-k 1, and speculative verification with k = 2, 4, 8\n"
    "drafts from stories-110m at acceptance 0.6 and 0.8), simulates decode\n"
    "over RTTs from 0.1 to 100 ms and finds, with a root finder, the RTT and\n"
    "the uplink at which it equals the phone alone (the device-only preset for\n"
    "the same model and phone; a phone that cannot hold the model loses at any\n"
    "RTT). For models the phone can run, \"what it takes\": the acceptance each\n"
    "draft length k = 1..16 needs to beat the phone at 10 ms and at 47 ms.\n\n"
    "Writes into DIR (default results/atlas): atlas.md (the tables), atlas.csv,\n"
    "atlas-take.csv, atlas-grid.csv and the figure atlas.png/.svg. --set\n"
    "applies to every model (e.g. workload.new_tokens=16 for a quick look);\n"
    "--design picks designs by their row name (\"PrivateLoRA\", \"PL overlap\",\n"
    "\"PL first-k 1\", \"spec k=4 a=0.8\", ...).\n"
    "Needs gnuplot.\n\n"
    "Example:\n  plsim atlas -o results/atlas\n";

static void progress_cb(void *ctx, int64_t done)
{
    sim_progress_update(ctx, done);
}

int cli_cmd_atlas(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"design", required_argument, 0, 'd'},
                                         {"set", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    struct ana_atlas_opts o = {.n_models = 0, .jobs = ana_default_jobs()};
    const char *dir = "results/atlas";
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'm':
            if (o.n_models == ANA_ATLAS_MAX_MODELS)
                cli_usage_error("atlas", "--model: at most %d", ANA_ATLAS_MAX_MODELS);
            o.models[o.n_models++] = optarg;
            break;
        case 'd':
            if (o.n_designs == ANA_ATLAS_DESIGNS)
                cli_usage_error("atlas", "--design: at most %d", ANA_ATLAS_DESIGNS);
            o.designs[o.n_designs++] = optarg;
            break;
        case 's':
            if (o.n_set == ANA_ATLAS_MAX_SET)
                cli_usage_error("atlas", "--set: at most %d", ANA_ATLAS_MAX_SET);
            o.set[o.n_set++] = optarg;
            break;
        case 'j': o.jobs = (int)cli_parse_int("atlas", "-j", optarg, 1, 256); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(atlas_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("atlas", argv);
        }
    }
    if (optind != argc)
        cli_usage_error("atlas", "unexpected argument '%s'", argv[optind]);
    if (o.n_models == 0) {
        o.models[0] = "paper-7b";
        o.models[1] = "paper-13b";
        o.models[2] = "paper-30b";
        o.n_models = 3;
    }
    struct sim_progress prog;
    sim_progress_begin(&prog, "atlas", ana_atlas_work(&o), quiet);
    o.progress = progress_cb;
    o.progress_ctx = &prog;
    struct sim_err err;
    const enum sim_status st = ana_atlas_make(dir, &o, &err);
    sim_progress_end(&prog);
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    if (!quiet)
        fprintf(stderr, "plsim atlas: %s/atlas.md, the CSVs and atlas.png/.svg\n", dir);
    return CLI_EXIT_OK;
}
