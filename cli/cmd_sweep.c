/*
 * cli/cmd_sweep: `plsim sweep`, the cartesian product of varied scenario
 * keys, simulated in parallel processes, one CSV row per point.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "results/report.h"
#include "scenarios/scenario.h"
#include "analysis/batch.h"
#include "sim/run.h"

#define MAX_VARY 8
#define MAX_VALUES 64
#define MAX_SET 16

static const char sweep_help[] =
    "Usage: plsim sweep FILE --vary KEY=V1,V2,... [--vary ...] [--set KEY=V ...]\n"
    "                   -o OUT.csv [-j N] [-q]\n\n"
    "Simulates every combination of the varied keys (dotted scenario paths\n"
    "such as rank, workload.batch, workload.phase, link.rtt) and writes one CSV\n"
    "row per point: the varied values, then every summary field (units in the\n"
    "column names). --set fixes a key for every point. Points run in N\n"
    "parallel processes (default: the number of CPUs). The CSV is written\n"
    "only when every point succeeded.\n\n"
    "Example:\n"
    "  plsim sweep scenarios/paper-7b.json --vary link.rtt=0ms,10ms,47ms \\\n"
    "    --vary rank=16,64 -o rtt.csv\n";

struct vary {
    char key[128];
    char *values[MAX_VALUES]; /* owned copies */
    int n;
};

struct sweep_args {
    const char *file;
    const char *out;
    struct vary vary[MAX_VARY];
    int n_vary;
    const char *set[MAX_SET];
    int n_set;
    int jobs;
    int quiet;
};

static void add_vary(struct sweep_args *a, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0')
        cli_usage_error("sweep", "--vary: expected KEY=V1,V2,..., found '%s'", spec);
    if (a->n_vary == MAX_VARY)
        cli_usage_error("sweep", "--vary: at most %d keys", MAX_VARY);
    struct vary *v = &a->vary[a->n_vary++];
    snprintf(v->key, sizeof v->key, "%.*s", (int)(eq - spec), spec);
    char *list = strdup(eq + 1), *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (v->n == MAX_VALUES)
            cli_usage_error("sweep", "--vary %s: at most %d values", v->key, MAX_VALUES);
        v->values[v->n++] = strdup(t);
    }
    free(list);
    if (v->n == 0)
        cli_usage_error("sweep", "--vary %s: no values", v->key);
}

static void sweep_parse(int argc, char **argv, struct sweep_args *a)
{
    static const struct option opts[] = {
        {"vary", required_argument, 0, 'v'}, {"set", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'v': add_vary(a, optarg); break;
        case 's':
            if (a->n_set == MAX_SET)
                cli_usage_error("sweep", "--set: at most %d", MAX_SET);
            a->set[a->n_set++] = optarg;
            break;
        case 'o': a->out = optarg; break;
        case 'j': a->jobs = (int)cli_parse_int("sweep", "-j", optarg, 1, 256); break;
        case 'q': a->quiet = 1; break;
        case 'h': fputs(sweep_help, stdout); exit(CLI_EXIT_OK);
        default: cli_usage_error("sweep", "unknown option");
        }
    }
    if (optind != argc - 1)
        cli_usage_error("sweep", "give exactly one scenario file");
    if (a->n_vary == 0 || a->out == NULL)
        cli_usage_error("sweep", "--vary KEY=... and -o OUT.csv are required");
    a->file = argv[optind];
}

/* The overrides of point p: --set values, then this point's values. */
static int point_overrides(const struct sweep_args *a, int64_t p, char bufs[][256],
                           const char **ov)
{
    int n = 0;
    for (int i = 0; i < a->n_set; i++)
        ov[n++] = a->set[i];
    for (int k = a->n_vary - 1; k >= 0; k--) {
        const struct vary *v = &a->vary[k];
        snprintf(bufs[k], 256, "%s=%s", v->key, v->values[p % v->n]);
        p /= v->n;
    }
    for (int k = 0; k < a->n_vary; k++)
        ov[n++] = bufs[k];
    return n;
}

static void write_header(FILE *f, const struct sweep_args *a)
{
    for (int k = 0; k < a->n_vary; k++)
        fprintf(f, "%s,", a->vary[k].key);
    struct sim_summary dummy;
    memset(&dummy, 0, sizeof dummy);
    const char *names[32];
    double values[32];
    const int n = res_summary_fields(&dummy, names, values, 32);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%s", names[i], i + 1 < n ? "," : "\n");
}

static void write_row(FILE *f, const struct sweep_args *a, int64_t p, const struct sim_summary *s)
{
    int64_t q = p;
    int idx[MAX_VARY];
    for (int k = a->n_vary - 1; k >= 0; k--) {
        idx[k] = (int)(q % a->vary[k].n);
        q /= a->vary[k].n;
    }
    for (int k = 0; k < a->n_vary; k++)
        fprintf(f, "\"%s\",", a->vary[k].values[idx[k]]);
    const char *names[32];
    double values[32];
    const int n = res_summary_fields(s, names, values, 32);
    for (int i = 0; i < n; i++) {
        if (isfinite(values[i]))
            fprintf(f, "%.17g", values[i]);
        fputs(i + 1 < n ? "," : "\n", f);
    }
}

int cli_cmd_sweep(int argc, char **argv)
{
    struct sweep_args a = {.jobs = ana_default_jobs()};
    sweep_parse(argc, argv, &a);
    int64_t n_points = 1;
    for (int k = 0; k < a.n_vary; k++)
        n_points *= a.vary[k].n;
    // resolve every point first: a bad value fails before anything runs
    struct mdl_input *in = sim_xcalloc((size_t)n_points, sizeof *in);
    struct sim_err err;
    for (int64_t p = 0; p < n_points; p++) {
        char bufs[MAX_VARY][256];
        const char *ov[MAX_SET + MAX_VARY];
        const int n = point_overrides(&a, p, bufs, ov);
        scn_scenario_t *s = NULL;
        if (scn_scenario_load_with(a.file, ov, n, &s, &err) != SIM_OK)
            cli_die("%s", err.msg);
        in[p] = *scn_scenario_input(s);
        scn_scenario_destroy(s);
    }
    if (!a.quiet) {
        cli_scenario_banner(stderr, a.file, &in[0]);
        fprintf(stderr, "sweep: %lld points over", (long long)n_points);
        for (int k = 0; k < a.n_vary; k++)
            fprintf(stderr, " %s (%d)", a.vary[k].key, a.vary[k].n);
        fprintf(stderr, "\n");
    }
    struct sim_summary *res = sim_xcalloc((size_t)n_points, sizeof *res);
    int64_t failed = -1;
    if (cli_simulate_all(in, n_points, a.jobs, "sweep", a.quiet, res, &failed, &err) != SIM_OK)
        cli_die("%s (point %lld)", err.msg, (long long)failed + 1);
    struct sim_afile f;
    if (sim_afile_open(&f, a.out, &err) != SIM_OK)
        cli_die("%s", err.msg);
    write_header(f.f, &a);
    for (int64_t p = 0; p < n_points; p++)
        write_row(f.f, &a, p, &res[p]);
    if (sim_afile_commit(&f, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (!a.quiet)
        fprintf(stderr, "plsim sweep: %lld points -> %s\n", (long long)n_points, a.out);
    for (int k = 0; k < a.n_vary; k++)
        for (int i = 0; i < a.vary[k].n; i++)
            free(a.vary[k].values[i]);
    free(in);
    free(res);
    return CLI_EXIT_OK;
}
