/*
 * cli/cmd_calibrate: `plsim calibrate`, the cost model fitted to this
 * host's real kernels, written as an edge catalog entry.
 */
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <unistd.h>

#include "analysis/calibrate.h"
#include "cli/cli.h"
#include "util/paths.h"

static const char calibrate_help[] =
    "Usage: plsim calibrate [-o FILE.json] [--name NAME] [--check MODEL] [--quick] [-q]\n\n"
    "Times the reference's own kernels on this host (matrix-vector and small-batch\n"
    "products of 1B- to 7B-sized layers, attention at contexts of 256 to 2,048\n"
    "tokens, RMS norms; weights read cold from a buffer larger than the caches;\n"
    "the median of repeats) with the current OpenMP threads (OMP_NUM_THREADS),\n"
    "fits the roofline t = overhead + max(FLOPs / rate, bytes / bandwidth) by\n"
    "least squares (GSL), and writes an edge catalog entry of kind measured with\n"
    "its provenance: CPU, threads, date, plsim version, the fit's residuals.\n"
    "Then it checks the fit on a shape it did not see: the median decode step of\n"
    "the reference's split pass of MODEL (default stories-110m, rank 32), measured\n"
    "against the time the fit predicts from the plan's compute stages.\n\n"
    "The entry goes to FILE.json (default: this host's file, named \"this-host\"\n"
    "in scenarios: $PLSIM_HOST_FILE, else $XDG_DATA_HOME/plsim/this-host.json,\n"
    "else ~/.local/share/plsim/this-host.json). A scenario uses it as its edge\n"
    "with \"edge\": \"this-host\" or \"edge\": \"FILE.json\", and \"cost\": {\"edge\":\n"
    "{\"precision\": \"fp32\"}} (the kernels run in fp32). --quick times fewer\n"
    "shapes and repeats.\n\n"
    "Example:\n  plsim calibrate\n  plsim run scenarios/paper-7b.json --set edge=this-host \\\n"
    "    --set cost.edge.precision=fp32\n";

int cli_cmd_calibrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, 0, 'n'}, {"check", required_argument, 0, 'c'},
        {"quick", no_argument, 0, 'k'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL, *name = "this-host", *model = "stories-110m";
    int quick = 0, quiet = 0, c;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n': name = optarg; break;
        case 'c': model = optarg; break;
        case 'k': quick = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(calibrate_help, stdout); exit(CLI_EXIT_OK);
        default: cli_bad_option("calibrate", argv);
        }
    }
    if (optind != argc)
        cli_usage_error("calibrate", "takes no file argument (-o FILE.json names the output)");
    if (getenv("OMP_WAIT_POLICY") == NULL) {
        // as plsim bench: the OpenMP runtime reads its wait policy once, at
        // start; passive waiting reproduces on a busy machine
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        execv("/proc/self/exe", argv - 1);
        cli_die("calibrate: cannot restart with OMP_WAIT_POLICY=PASSIVE");
    }
    char host[4096];
    if (out == NULL)
        out = sim_host_entry_path(host, sizeof host);
    const int threads = omp_get_max_threads();
    struct sim_err err;
    struct ana_calib_sample *s = NULL;
    int n = 0;
    if (!quiet)
        fprintf(stderr, "calibrate: timing the kernels with %d thread(s)\n", threads);
    if (ana_calib_measure(quick, quiet ? NULL : stderr, &s, &n, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct ana_calib_fit f;
    if (ana_calib_fit(s, n, &f, &err) != SIM_OK) {
        free(s);
        cli_die("%s", err.msg);
    }
    free(s);
    double meas = 0.0, pred = 0.0;
    if (ana_calib_check(&f, model, 32, quick ? 8 : 24, &meas, &pred, &err) != SIM_OK)
        cli_die("%s", err.msg);
    if (ana_calib_write_entry(out, name, &f, threads, &err) != SIM_OK)
        cli_die("%s", err.msg);
    printf("calibrate: %d kernel calls fitted: %.4g GFLOP/s, %.4g GB/s, %.3g us a call; "
           "residuals %.1f %% rms, %.1f %% at most\n", f.n, f.flop_per_s / 1e9, f.Bps / 1e9,
           f.overhead_s * 1e6, 100.0 * f.rms_rel, 100.0 * f.max_rel);
    printf("check: %s split decode step measured %.3f ms, predicted %.3f ms (%+.1f %%)\n",
           model, meas * 1e3, pred * 1e3, 100.0 * (pred / meas - 1.0));
    printf("entry \"%s\" -> %s\n", name, out);
    return CLI_EXIT_OK;
}
