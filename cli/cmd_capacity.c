/*
 * cli/cmd_capacity: `plsim capacity`, how many phones one deployment
 * serves within its SLO.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/capacity.h"
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "scenarios/units.h"
#include "util/afile.h"

static const char capacity_help[] =
    "Usage: plsim capacity FILE [--attainment A] [--max N] [--tolerance T]\n"
    "                      [--set KEY=V ...] [-o OUT.json] [-q]\n\n"
    "Finds how many phones the scenario's GPUs serve while at least a fraction A\n"
    "(default 0.99) of requests meet its SLO (slo.ttft, slo.tpot). Each phone keeps\n"
    "the scenario's workload; only workload.devices varies. The search doubles the\n"
    "phones from 1 until a run misses, then bisects until the last run that met the\n"
    "SLO and the first that missed are within T (default 0.05) of each other, or\n"
    "one phone apart; it assumes that more phones never help. Every evaluation is a\n"
    "full simulation, printed as it ends (-q: only the answer). --max bounds the\n"
    "phones (default 10000). With an open-loop arrival (poisson, trace) the load\n"
    "does not grow with the phones: give each phone its own closed loop (at-start,\n"
    "requests and think) to ask how many phones fit.\n\n"
    "Example:\n"
    "  plsim capacity scenarios/serving-crowd.json --set workload.new_tokens=32\n";

int cli_cmd_capacity(int argc, char **argv)
{
    static const struct option opts[] = {
        {"attainment", required_argument, 0, 'a'}, {"max", required_argument, 0, 'm'},
        {"tolerance", required_argument, 0, 't'},  {"set", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0},
    };
    double target = 0.99, tolerance = 0.05;
    int64_t max_devices = 10000;
    const char *out = NULL, *set[16];
    int n_set = 0, quiet = 0, c;
    char *end = NULL;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            target = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(target > 0.0 && target <= 1.0))
                cli_usage_error("capacity", "--attainment: expected a fraction in (0, 1], "
                                "found \"%s\"", optarg);
            break;
        case 't':
            tolerance = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(tolerance >= 0.0 && tolerance < 1.0))
                cli_usage_error("capacity", "--tolerance: expected a fraction in [0, 1), "
                                "found \"%s\"", optarg);
            break;
        case 'm': max_devices = cli_parse_int("capacity", "--max", optarg, 1, 10000000); break;
        case 's':
            if (n_set == 15)
                cli_usage_error("capacity", "--set: at most 15");
            set[n_set++] = optarg;
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(capacity_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("capacity", argv);
        }
    }
    if (optind != argc - 1)
        cli_usage_error("capacity", "give exactly one scenario file");
    struct sim_err err;
    scn_scenario_t *s = NULL;
    if (scn_scenario_load_with(argv[optind], set, n_set, &s, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct sim_afile f = {.f = NULL}; // the output is checked before any simulation
    if (out != NULL && sim_afile_open(&f, out, &err) != SIM_OK) {
        scn_scenario_destroy(s);
        cli_die("%s", err.msg);
    }
    const struct mdl_input *in = scn_scenario_input(s);
    struct ana_capacity *cap = malloc(sizeof *cap);
    if (cap == NULL)
        cli_die("out of memory");
    const enum sim_status st = ana_capacity_find(in, target, max_devices, tolerance,
                                                 quiet ? NULL : stderr, cap, &err);
    if (st != SIM_OK) {
        if (out != NULL)
            sim_afile_abort(&f);
        free(cap);
        scn_scenario_destroy(s);
        cli_die("%s%s", st == SIM_EINVAL ? "" : "capacity: ", err.msg);
    }
    char a[64] = "", b[64] = "";
    if (in->slo.ttft_s > 0.0)
        snprintf(a, sizeof a, "TTFT <= %s", scn_units_format(in->slo.ttft_s, SCN_Q_TIME, b,
                                                              sizeof b));
    char slo[160];
    snprintf(slo, sizeof slo, "%s%s", a, in->slo.ttft_s > 0.0 && in->slo.tpot_s > 0.0 ? ", " : "");
    if (in->slo.tpot_s > 0.0)
        snprintf(slo + strlen(slo), sizeof slo - strlen(slo), "TPOT <= %s",
                 scn_units_format(in->slo.tpot_s, SCN_Q_TIME, b, sizeof b));
    if (cap->met == 0)
        printf("%s: even one phone misses the SLO (%s for %.3g %% of requests)\n",
               argv[optind], slo, 100.0 * target);
    else if (cap->missed == 0)
        printf("%s: %lld phones (the bound, --max) still meet the SLO (%s for %.3g %% of "
               "requests)\n", argv[optind], (long long)cap->met, slo, 100.0 * target);
    else
        printf("%s: %lld phones meet the SLO (%s for %.3g %% of requests), %lld miss it; "
               "%d simulations\n", argv[optind], (long long)cap->met, slo, 100.0 * target,
               (long long)cap->missed, cap->n_evals);
    if (out != NULL) {
        char *text = ana_capacity_json(argv[optind], in, cap);
        fputs(text, f.f);
        free(text);
        if (sim_afile_commit(&f, &err) != SIM_OK) {
            free(cap);
            scn_scenario_destroy(s);
            cli_die("%s", err.msg);
        }
    }
    free(cap);
    scn_scenario_destroy(s);
    return CLI_EXIT_OK;
}
