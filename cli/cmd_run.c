/*
 * cli/cmd_run: `plsim run`, one scenario simulated, with the same
 * scenario's device-only and cloud-only throughput beside it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "util/cleanup.h"
#include "util/paths.h"
#include "analysis/run.h"
#include "scenarios/scenario.h"
#include "scenarios/show.h"
#include "sim/run.h"

static const char run_help[] =
    "Usage: plsim run FILE [-o DIR] [--set KEY=V ...] [--seed N] [--mode MODE]\n"
    "                 [--no-compare] [--trace OUT.json [--trace-devices A[-B]]]\n"
    "                 [--cfg=NAME:VALUE ...] [-q]\n\n"
    "Simulates the scenario in SimGrid: each device prefills its prompt, then\n"
    "decodes new_tokens - 1 more tokens. Prints decode and prefill tokens/s,\n"
    "time to first token, the per-token time split into cloud compute, edge\n"
    "compute, uplink and downlink transfer, latency and waiting, the bytes per\n"
    "token each way, and the same scenario run device-only and cloud-only.\n\n"
    "  -o DIR        write DIR/summary.json, DIR/steps.csv and DIR/platform.xml\n"
    "  --set KEY=V   override a scenario key (dotted path, e.g. link.rtt=30ms)\n"
    "  --seed N      the run's seed: it draws speculative acceptances, Poisson\n"
    "                arrivals, drawn lengths, jitter and losses (the rest is\n"
    "                deterministic); recorded in summary.json\n"
    "  --mode MODE   simulate another mode than the scenario's\n"
    "  --no-compare  skip the device-only and cloud-only runs\n"
    "  --trace OUT   write the timeline as Chrome Trace Event JSON (open it in\n"
    "                the Perfetto UI or chrome://tracing)\n"
    "  --trace-devices A[-B]  trace device A only, or devices A to B (0-based;\n"
    "                default: all); the trace streams to disk, bounded at 2 GB of JSON\n"
    "  --cfg=X:V     a SimGrid setting; the default network model is CM02 with\n"
    "                cross-traffic off and TCP-gamma 1e30, so a transfer takes\n"
    "                latency + bytes / bandwidth exactly\n"
    "  --log=X:V     a SimGrid log setting; --log=plsim.thres:debug prints one\n"
    "                line per plan stage (device, step, op, place, layer,\n"
    "                bytes, simulated start and end)\n"
    "  -q            print nothing but errors\n\n"
    "Example:\n  plsim run scenarios/realistic-5g-us.json -o out/us\n";

struct run_args {
    const char *file;
    const char *out_dir;
    const char *trace;  /* --trace OUT.json, or NULL */
    const char *set[16]; /* --set KEY=V overrides */
    int n_set;
    int64_t seed;       /* -1: the scenario's */
    int compare;
    int quiet;
    int set_mode;       /* 1: --mode given */
    enum ref_mode mode; /* its mode */
    struct sim_run_opts opts;
};

static void run_parse(int argc, char **argv, struct run_args *a)
{
    static const struct option opts[] = {
        {"seed", required_argument, 0, 's'}, {"mode", required_argument, 0, 'm'},
        {"no-compare", no_argument, 0, 'n'}, {"cfg", required_argument, 0, 'c'},
        {"trace", required_argument, 0, 't'}, {"set", required_argument, 0, 'S'},
        {"log", required_argument, 0, 'l'}, {"trace-devices", required_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out_dir = optarg; break;
        case 's': a->seed = cli_parse_int("run", "--seed", optarg, 0, INT64_MAX); break;
        case 'm':
            if (ref_mode_parse(optarg, &a->mode) != SIM_OK)
                cli_usage_error("run", "--mode: unknown mode '%s'", optarg);
            a->set_mode = 1;
            break;
        case 'n': a->compare = 0; break;
        case 't': a->trace = optarg; a->opts.trace = 1; break;
        case 'D': {
            char from[32];
            snprintf(from, sizeof from, "%s", optarg);
            char *dash = strchr(from, '-');
            if (dash != NULL)
                *dash = '\0';
            a->opts.trace_first = cli_parse_int("run", "--trace-devices", from, 0, INT64_MAX);
            const int64_t last = dash != NULL ? cli_parse_int("run", "--trace-devices", dash + 1,
                                                              a->opts.trace_first, INT64_MAX)
                                              : a->opts.trace_first;
            a->opts.trace_count = last - a->opts.trace_first + 1;
            break;
        }
        case 'S':
            if (a->n_set == 16)
                cli_usage_error("run", "--set: at most 16");
            a->set[a->n_set++] = optarg;
            break;
        case 'c':
        case 'l': {
            if (a->opts.n_cfg == SIM_MAX_CFG || strchr(optarg, ':') == NULL)
                cli_usage_error("run", "--%s: expected NAME:VALUE (at most %d)",
                                c == 'c' ? "cfg" : "log", SIM_MAX_CFG);
            static char cfg_store[SIM_MAX_CFG][256]; // lives as long as the process
            snprintf(cfg_store[a->opts.n_cfg], sizeof cfg_store[0], "--%s=%s",
                     c == 'c' ? "cfg" : "log", optarg);
            a->opts.cfg[a->opts.n_cfg] = cfg_store[a->opts.n_cfg];
            a->opts.n_cfg++;
            break;
        }
        case 'q': a->quiet = 1; break;
        case 'h': fputs(run_help, stdout); exit(CLI_EXIT_OK);
        default: cli_bad_option("run", argv);
        }
    }
    if (optind != argc - 1)
        cli_usage_error("run", "give exactly one scenario file");
    if (a->opts.trace_count > 0 && !a->opts.trace)
        cli_usage_error("run", "--trace-devices needs --trace OUT.json");
    a->file = argv[optind];
}

int cli_cmd_run(int argc, char **argv)
{
    struct run_args a = {.seed = -1, .compare = 1};
    run_parse(argc, argv, &a);
    scn_scenario_t *s = NULL;
    struct sim_err err;
    if (scn_scenario_load_with(a.file, a.set, a.n_set, &s, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (sim_run_check_opts(&a.opts, &err) != SIM_OK)
        cli_die("%s", err.msg);
    char platform[4200];
    if (a.out_dir != NULL) {
        if (sim_mkdirs(a.out_dir) != 0)
            cli_die("%s: cannot create directory: %s", a.out_dir, strerror(errno));
        snprintf(platform, sizeof platform, "%s/platform.xml", a.out_dir);
    } else {
        const char *tmp = sim_tmpdir();
        snprintf(platform, sizeof platform, "%s/platform.xml", tmp != NULL ? tmp : "/tmp");
        sim_cleanup_add(platform);
    }
    a.opts.platform_path = platform;
    if (a.trace != NULL) { // the trace's folder must take a file before any work
        struct sim_afile probe;
        if (sim_afile_open(&probe, a.trace, &err) != SIM_OK)
            cli_die("%s", err.msg);
        sim_afile_abort(&probe);
    }
    a.opts.progress = !a.quiet && isatty(STDERR_FILENO); // the main run reports its steps
    struct mdl_input in = *scn_scenario_input(s);
    if (a.set_mode && mdl_input_set_mode(&in, a.mode, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (a.seed >= 0)
        in.seed = (uint64_t)a.seed;
    if (!a.quiet)
        scn_input_banner(stdout, a.file, &in);
    for (int side = 0; side < 2 && !a.quiet; side++)
        if (mdl_input_peak_only(&in, side))
            fprintf(stderr, "plsim: warning: the %s's times rest on peak specs alone (a roofline "
                    "at 100 %% of %s's bandwidth and FLOPS, no overhead): read them as a "
                    "ceiling, or set $.cost.%s.memory_efficiency\n",
                    side == REF_EDGE ? "edge" : "cloud",
                    side == REF_EDGE ? in.edge.name : in.cloud.name,
                    side == REF_EDGE ? "edge" : "cloud");
    struct ana_run run;
    enum sim_status st = ana_run(&in, a.file, &a.opts, a.compare, &run, &err);
    if (st == SIM_OK && !a.quiet)
        res_report_print(stdout, &run.ctx, &run.r, ana_run_device_only(&run),
                         ana_run_cloud_only(&run));
    if (st == SIM_OK && !a.quiet && run.not_compared[0] != '\0')
        printf("not compared: %s\n", run.not_compared);
    if (st == SIM_OK)
        st = ana_run_write(&run, a.out_dir, a.trace, &err);
    if (a.out_dir == NULL || st != SIM_OK)
        remove(platform); // kept only beside the results it made
    ana_run_free(&run);
    scn_scenario_destroy(s);
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    return CLI_EXIT_OK;
}
