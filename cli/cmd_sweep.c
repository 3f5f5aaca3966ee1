/*
 * cli/cmd_sweep: `plsim sweep`, the cartesian product of varied scenario
 * keys, simulated in parallel processes, one CSV row per point.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/afile.h"
#include "results/report.h"
#include "scenarios/scenario.h"
#include "scenarios/show.h"
#include "analysis/batch.h"
#include "analysis/render.h"
#include "analysis/slurm.h"
#include "analysis/sweep.h"
#include "sim/run.h"

#define MAX_SET 16

static const char sweep_help[] =
    "Usage: plsim sweep FILE --vary KEY=V1,V2,... [--vary ...] [--set KEY=V ...]\n"
    "                   -o OUT.csv [--plot NAME] [-j N] [-q]\n"
    "       plsim sweep FILE --vary ... [--set ...] --slurm DIR [--array-size N]\n"
    "                   [--sbatch-option OPT ...] [--submit]\n\n"
    "Simulates every combination of the varied keys (dotted scenario paths\n"
    "such as rank, workload.batch, workload.phase, link.rtt) and writes one CSV\n"
    "row per point: the varied values, then every summary field (units in the\n"
    "column names). --set fixes a key for every point. Points run in N\n"
    "parallel processes (default: the number of CPUs). The CSV is written\n"
    "only when every point succeeded. --plot NAME then renders plots/NAME.gp\n"
    "with OUT.csv's folder as its data folder (the figure beside the CSV).\n\n"
    "With --slurm DIR the sweep goes to a Slurm cluster as a job array\n"
    "instead (DIR on a filesystem the nodes share): every point is checked,\n"
    "then DIR gets sweep.json, points.csv, job.sh and shards/; the sbatch\n"
    "command is printed, or run with --submit. Task i of N (--array-size,\n"
    "default one per point up to 1000) runs points i, i + N, ... with this\n"
    "plsim binary, each row written atomically to DIR/shards; a point already\n"
    "done is skipped, so submitting again runs only what is missing. Each\n"
    "--sbatch-option becomes an #SBATCH line. `plsim gather DIR -o OUT.csv`\n"
    "then writes the CSV a local sweep writes, byte for byte.\n\n"
    "Example:\n"
    "  plsim sweep scenarios/paper-7b.json --vary link.rtt=0ms,10ms,47ms \\\n"
    "    --vary rank=16,64 -o rtt.csv\n"
    "  plsim sweep scenarios/paper-7b.json --vary rank=16,64 --slurm runs/rank \\\n"
    "    --sbatch-option=--partition=short --submit\n";

struct sweep_args {
    const char *file;
    const char *out;
    struct ana_sweep sweep;
    const char *set[MAX_SET];
    int n_set;
    int jobs;
    int quiet;
    const char *plot; /* plots/NAME.gp to render beside the CSV, or NULL */
    const char *slurm; /* a job array's folder, or NULL: run here */
    struct ana_slurm_opts sopts;
    int submit;
};

static void sweep_parse(int argc, char **argv, struct sweep_args *a)
{
    static const struct option opts[] = {
        {"vary", required_argument, 0, 'v'}, {"set", required_argument, 0, 's'},
        {"plot", required_argument, 0, 'p'}, {"help", no_argument, 0, 'h'},
        {"slurm", required_argument, 0, 'S'}, {"array-size", required_argument, 0, 'A'},
        {"sbatch-option", required_argument, 0, 'B'}, {"submit", no_argument, 0, 'U'},
        {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'v': {
            struct sim_err err;
            if (ana_sweep_add_axis(&a->sweep, optarg, &err) != SIM_OK)
                cli_usage_error("sweep", "%s", err.msg);
            break;
        }
        case 's':
            if (a->n_set == MAX_SET)
                cli_usage_error("sweep", "--set: at most %d", MAX_SET);
            a->set[a->n_set++] = optarg;
            break;
        case 'o': a->out = optarg; break;
        case 'p': a->plot = optarg; break;
        case 'j': a->jobs = (int)cli_parse_int("sweep", "-j", optarg, 1, 256); break;
        case 'q': a->quiet = 1; break;
        case 'S': a->slurm = optarg; break;
        case 'A':
            a->sopts.array_size = cli_parse_int("sweep", "--array-size", optarg, 1,
                                                ANA_SLURM_MAX_ARRAY);
            break;
        case 'B':
            if (a->sopts.n_sbatch == ANA_SLURM_MAX_OPTS)
                cli_usage_error("sweep", "--sbatch-option: at most %d", ANA_SLURM_MAX_OPTS);
            if (strchr(optarg, '\n') != NULL)
                cli_usage_error("sweep", "--sbatch-option: one line each");
            a->sopts.sbatch[a->sopts.n_sbatch++] = optarg;
            break;
        case 'U': a->submit = 1; break;
        case 'h': fputs(sweep_help, stdout); exit(CLI_EXIT_OK);
        default: cli_bad_option("sweep", argv);
        }
    }
    if (optind != argc - 1)
        cli_usage_error("sweep", "give exactly one scenario file");
    if (a->sweep.n_axes == 0)
        cli_usage_error("sweep", "--vary KEY=... is required");
    if (a->slurm == NULL && a->out == NULL)
        cli_usage_error("sweep", "-o OUT.csv (or --slurm DIR) is required");
    if (a->slurm != NULL && (a->out != NULL || a->plot != NULL))
        cli_usage_error("sweep", "--slurm writes a folder: gather it with `plsim gather DIR -o "
                        "OUT.csv`, not -o or --plot");
    if (a->slurm == NULL && (a->submit || a->sopts.n_sbatch > 0 || a->sopts.array_size > 0))
        cli_usage_error("sweep", "--submit, --sbatch-option and --array-size go with --slurm");
    a->file = argv[optind];
}

/* The folder for a Slurm job array; prints or runs its sbatch command. */
static int sweep_slurm(struct sweep_args *a)
{
    char binary[4096];
    const ssize_t n = readlink("/proc/self/exe", binary, sizeof binary - 1);
    if (n <= 0)
        cli_die("cannot find this plsim binary's path for the job script");
    binary[n] = '\0';
    struct sim_err err;
    int64_t tasks = 0;
    if (ana_slurm_write(a->slurm, &a->sweep, a->file, a->set, a->n_set, &a->sopts, binary,
                        &tasks, &err) != SIM_OK)
        cli_die("%s", err.msg);
    char script[4200];
    snprintf(script, sizeof script, "%s/job.sh", a->slurm);
    if (!a->quiet)
        fprintf(stderr, "sweep: %lld points in a job array of %lld tasks in %s\n",
                (long long)ana_sweep_points(&a->sweep), (long long)tasks, a->slurm);
    ana_sweep_free(&a->sweep);
    if (!a->submit) {
        printf("sbatch %s\n", script);
        return CLI_EXIT_OK;
    }
    fflush(stdout);
    execlp("sbatch", "sbatch", script, (char *)NULL);
    cli_die("sbatch: %s (is Slurm installed here?)", strerror(errno));
}

int cli_cmd_sweep(int argc, char **argv)
{
    struct sweep_args a = {.jobs = ana_default_jobs()};
    sweep_parse(argc, argv, &a);
    if (a.slurm != NULL)
        return sweep_slurm(&a);
    const struct ana_sweep *sw = &a.sweep;
    const int64_t n_points = ana_sweep_points(sw);
    // the output first, then every point resolved: a bad value or an
    // unwritable path fails before anything runs
    struct sim_afile f;
    struct sim_err err;
    if (sim_afile_open(&f, a.out, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct mdl_input *in = sim_xcalloc((size_t)n_points, sizeof *in);
    if (ana_sweep_inputs(sw, a.file, a.set, a.n_set, in, &err) != SIM_OK) {
        sim_afile_abort(&f);
        cli_die("%s", err.msg);
    }
    if (!a.quiet) { // the base the axes vary (not the first point), then the axes
        scn_scenario_t *base = NULL;
        if (scn_scenario_load_with(a.file, a.set, a.n_set, &base, &err) == SIM_OK)
            scn_input_banner(stderr, a.file, scn_scenario_input(base));
        scn_scenario_destroy(base);
        fprintf(stderr, "sweep: %lld points over", (long long)n_points);
        for (int k = 0; k < sw->n_axes; k++) {
            fprintf(stderr, " %s =", sw->axis[k].key);
            for (int i = 0; i < sw->axis[k].n; i++)
                fprintf(stderr, "%s%s", i ? "," : " ", sw->axis[k].values[i]);
            fprintf(stderr, k + 1 < sw->n_axes ? ";" : "");
        }
        fprintf(stderr, "\n");
    }
    struct sim_summary *res = sim_xcalloc((size_t)n_points, sizeof *res);
    int64_t failed = -1;
    if (cli_simulate_all(in, n_points, a.jobs, "sweep", a.quiet, res, &failed, &err) != SIM_OK) {
        sim_afile_abort(&f);
        cli_die("%s (point %lld)", err.msg, (long long)failed + 1);
    }
    ana_sweep_write_header(f.f, sw);
    for (int64_t p = 0; p < n_points; p++)
        ana_sweep_write_row(f.f, sw, p, &res[p]);
    if (sim_afile_commit(&f, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (!a.quiet)
        fprintf(stderr, "plsim sweep: %lld points -> %s\n", (long long)n_points, a.out);
    if (a.plot != NULL) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", a.out);
        char *slash = strrchr(dir, '/');
        if (slash != NULL)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        const char *const names[1] = {a.plot};
        if (ana_render(dir, names, 1, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    ana_sweep_free(&a.sweep);
    free(in);
    free(res);
    return CLI_EXIT_OK;
}
