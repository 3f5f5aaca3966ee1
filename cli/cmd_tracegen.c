/*
 * cli/cmd_tracegen: `plsim trace-gen`, a synthetic link trace from a
 * two-state (good/bad) Markov-modulated link, for what-ifs without data.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "models/hw.h"
#include "scenarios/units.h"
#include "util/afile.h"

static const char tracegen_help[] =
    "Usage: plsim trace-gen --good UP,DOWN,RTT,DWELL --bad UP,DOWN,RTT,DWELL\n"
    "                       --duration T [--seed N] -o OUT.csv\n\n"
    "Writes a link trace (time_s,uplink_Mbps,downlink_Mbps,rtt_ms: what link.trace\n"
    "reads) of a link that switches between a good and a bad state: each state's\n"
    "uplink, downlink and RTT, and its mean dwell time; each stay is exponential\n"
    "with that mean, the first state drawn from the chain's stationary\n"
    "distribution, a row at 0 and at every change. Seeded (GSL's MT19937,\n"
    "--seed, default 1): the same seed writes the same file. Values take units.\n\n"
    "Example:\n"
    "  plsim trace-gen --good \"14.56 Mbps,265.8 Mbps,47 ms,30 s\" \\\n"
    "    --bad \"1 Mbps,10 Mbps,150 ms,5 s\" --duration 600s -o cell-edge.csv\n";

#define MAX_ROWS 10000000.0 /* what link.trace reads */

/* "UP,DOWN,RTT,DWELL" with units into *st, or a usage error. */
static void parse_state(const char *opt, const char *text, struct mdl_link_state *st)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    static const enum scn_quantity q[4] = {SCN_Q_BANDWIDTH, SCN_Q_BANDWIDTH, SCN_Q_TIME,
                                           SCN_Q_TIME};
    static const char *const what[4] = {"uplink", "downlink", "RTT", "dwell time"};
    double *dst[4] = {&st->uplink_Bps, &st->downlink_Bps, &st->rtt_s, &st->dwell_s};
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int i = 0; i < 4; i++, tok = strtok_r(NULL, ",", &save)) {
        struct sim_err err;
        if (tok == NULL)
            cli_usage_error("trace-gen", "%s: expected UP,DOWN,RTT,DWELL, found \"%s\"", opt,
                            text);
        if (scn_units_parse(tok, q[i], dst[i], &err) != SIM_OK)
            cli_usage_error("trace-gen", "%s: the %s: %s", opt, what[i], err.msg);
        const int positive = i != 2; // an RTT may be 0
        if (positive ? !(*dst[i] > 0.0) : !(*dst[i] >= 0.0))
            cli_usage_error("trace-gen", "%s: the %s must be %s", opt, what[i],
                            positive ? "> 0" : ">= 0");
    }
    if (tok != NULL)
        cli_usage_error("trace-gen", "%s: expected four values, UP,DOWN,RTT,DWELL", opt);
}

int cli_cmd_tracegen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"good", required_argument, 0, 'g'}, {"bad", required_argument, 0, 'b'},
        {"duration", required_argument, 0, 'd'}, {"seed", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    struct mdl_link_state st[2];
    int have[2] = {0, 0};
    double duration_s = 0.0;
    int64_t seed = 1;
    const char *out = NULL;
    int c;
    struct sim_err err;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'g': parse_state("--good", optarg, &st[0]); have[0] = 1; break;
        case 'b': parse_state("--bad", optarg, &st[1]); have[1] = 1; break;
        case 'd':
            if (scn_units_parse(optarg, SCN_Q_TIME, &duration_s, &err) != SIM_OK)
                cli_usage_error("trace-gen", "--duration: %s", err.msg);
            break;
        case 's': seed = cli_parse_int("trace-gen", "--seed", optarg, 0, INT64_MAX); break;
        case 'o': out = optarg; break;
        case 'h': fputs(tracegen_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("trace-gen", argv);
        }
    }
    if (optind != argc)
        cli_usage_error("trace-gen", "unexpected argument \"%s\"", argv[optind]);
    if (!have[0] || !have[1] || out == NULL)
        cli_usage_error("trace-gen", "give --good, --bad and -o");
    if (!(duration_s > 0.0))
        cli_usage_error("trace-gen", "--duration: expected a duration > 0");
    // bounded before any work: about one row per mean stay
    const double rows = 2.0 * duration_s / (st[0].dwell_s + st[1].dwell_s);
    if (rows > MAX_ROWS / 2.0)
        cli_die("trace-gen: about %.3g rows, above the %.0f a link trace may hold; use a "
                "shorter duration or longer dwell times", rows, MAX_ROWS);
    struct sim_afile f;
    if (sim_afile_open(&f, out, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct mdl_link_sample *v = NULL;
    int64_t n = 0;
    mdl_link_markov(st, duration_s, (uint64_t)seed, &v, &n);
    fprintf(f.f, "time_s,uplink_Mbps,downlink_Mbps,rtt_ms\n");
    for (int64_t i = 0; i < n; i++)
        fprintf(f.f, "%.17g,%.9g,%.9g,%.9g\n", v[i].t_s, v[i].uplink_Bps * 8e-6,
                v[i].downlink_Bps * 8e-6, v[i].rtt_s * 1e3);
    free(v);
    if (sim_afile_commit(&f, &err) != SIM_OK)
        cli_die("%s", err.msg);
    return CLI_EXIT_OK;
}
