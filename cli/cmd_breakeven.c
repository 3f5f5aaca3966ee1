/*
 * cli/cmd_breakeven: `plsim breakeven`, where a scenario stops beating
 * (or starts beating) the phone alone, the cloud alone or any scenario, as
 * the RTT or the uplink varies.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenarios/units.h"
#include "analysis/breakeven.h"
#include "scenarios/scenario.h"
#include "util/afile.h"

static const char breakeven_help[] =
    "Usage: plsim breakeven FILE [--vs device-only|cloud-only|OTHER] [--over rtt|uplink]\n"
    "                       [--from X] [--to Y] [--set KEY=V ...] [-o OUT.json]\n\n"
    "Finds the RTT (or the uplink bandwidth) at which the scenario's simulated\n"
    "decode throughput equals that of another design, with a GSL root finder;\n"
    "each evaluation is a full simulation of both, the varied value set in both.\n"
    "--vs device-only (the default) and cloud-only mean those presets for the\n"
    "scenario's model, phone and GPU, on its link with its workload: the phone\n"
    "alone is the 4-bit model calibrated on the phone's measured speed, not the\n"
    "scenario's own precisions. --vs OTHER (a file or preset name) compares\n"
    "against that scenario as it is; --set applies to FILE only.\n"
    "The range defaults to 0 .. 1 s for\n"
    "the RTT and 1 kbps .. 10 Gbps for the uplink (searched in log space);\n"
    "--from/--to take units (\"100 ms\", \"5 Mbps\"). Prints the answer and writes\n"
    "it as JSON with -o; says so when there is no crossing in the range.\n\n"
    "Example:\n  plsim breakeven scenarios/paper-7b.json --vs device-only --over rtt\n";

int cli_cmd_breakeven(int argc, char **argv)
{
    static const struct option opts[] = {
        {"vs", required_argument, 0, 'v'},   {"over", required_argument, 0, 'w'},
        {"from", required_argument, 0, 'f'}, {"to", required_argument, 0, 't'},
        {"set", required_argument, 0, 's'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *vs = "device-only";
    enum ana_over over = ANA_OVER_RTT;
    const char *from = NULL, *to = NULL, *out = NULL, *set[16];
    int n_set = 0, c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'v': vs = optarg; break;
        case 'w':
            if (strcmp(optarg, "rtt") == 0)
                over = ANA_OVER_RTT;
            else if (strcmp(optarg, "uplink") == 0)
                over = ANA_OVER_UPLINK;
            else
                cli_usage_error("breakeven", "--over: expected rtt or uplink");
            break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 's':
            if (n_set == 15)
                cli_usage_error("breakeven", "--set: at most 15");
            set[n_set++] = optarg;
            break;
        case 'o': out = optarg; break;
        case 'h': fputs(breakeven_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("breakeven", argv);
        }
    }
    if (optind != argc - 1)
        cli_usage_error("breakeven", "give exactly one scenario file");
    const enum scn_quantity q = over == ANA_OVER_RTT ? SCN_Q_TIME : SCN_Q_BANDWIDTH;
    double lo = over == ANA_OVER_RTT ? 0.0 : 125.0, hi = over == ANA_OVER_RTT ? 1.0 : 1.25e9;
    struct sim_err err;
    if (from != NULL && scn_units_parse(from, q, &lo, &err) != SIM_OK)
        cli_usage_error("breakeven", "--from: %s", err.msg);
    if (to != NULL && scn_units_parse(to, q, &hi, &err) != SIM_OK)
        cli_usage_error("breakeven", "--to: %s", err.msg);
    scn_scenario_t *s = NULL;
    if (scn_scenario_load_with(argv[optind], set, n_set, &s, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct sim_afile f = {.f = NULL}; // the output is checked before any simulation
    if (out != NULL && sim_afile_open(&f, out, &err) != SIM_OK) {
        scn_scenario_destroy(s);
        cli_die("%s", err.msg);
    }
    struct ana_breakeven b;
    struct mdl_input other;
    enum sim_status st = ana_breakeven_other(scn_scenario_input(s), vs, &other, &err);
    if (st == SIM_OK)
        st = ana_breakeven_find(scn_scenario_input(s), &other, over, lo, hi, &b, &err);
    scn_scenario_destroy(s);
    if (st != SIM_OK) {
        if (out != NULL)
            sim_afile_abort(&f);
        cli_die("%s%s", st == SIM_EINVAL ? "" : "breakeven: ", err.msg);
    }
    char a[64], z[64], x[64];
    scn_units_format(lo, q, a, sizeof a);
    scn_units_format(hi, q, z, sizeof z);
    const char *what = over == ANA_OVER_RTT ? "RTT" : "uplink";
    if (b.found)
        printf("%s: decode throughput equals %s at %s = %s (%.4g tokens/s), found in "
               "[%s, %s] after %d evaluations\n", argv[optind], vs, what,
               scn_units_format(b.x, q, x, sizeof x), b.tps_x, a, z, b.evaluations);
    else
        printf("%s: no crossing with %s for %s in [%s, %s]: %.4g vs %.4g tokens/s at %s, "
               "%.4g vs %.4g at %s\n", argv[optind], vs, what, a, z, b.tps_lo[0],
               b.tps_lo[1], a, b.tps_hi[0], b.tps_hi[1], z);
    if (out != NULL) {
        char *text = ana_breakeven_json(argv[optind], vs, over, &b);
        fputs(text, f.f);
        free(text);
        if (sim_afile_commit(&f, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    return CLI_EXIT_OK;
}
