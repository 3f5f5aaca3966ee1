/*
 * cli/cmd_bench: `plsim bench`, the benchmarks of analysis/bench.
 */
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "analysis/bench.h"
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "util/afile.h"

static const char bench_help[] =
    "Usage: plsim bench [--model NAME] [--rank R] [--tokens N] [--out FILE]\n"
    "       plsim bench --sim [--out FILE]\n\n"
    "--sim measures the simulator instead: the wall time of `plsim paper` and\n"
    "the messages simulated per wall-clock second with 1, 100 and 1000\n"
    "devices sharing one cell (7B PrivateLoRA on the US 5G median).\n\n"
    "Measures reference decode tokens/s, merged and split (fp16 boundary),\n"
    "with 1 and 2 threads, on a random checkpoint of the model's shape\n"
    "(default stories-110m: dim 768, hidden 2048, 12 layers, vocab 32000),\n"
    "and the achieved weight-read bandwidth as a fraction of this machine's\n"
    "memory copy bandwidth measured in the same run. Writes the table as\n"
    "Markdown to FILE when given.\n\n"
    "Example:\n  plsim bench --out results/bench-reference.md\n";

int cli_cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"rank", required_argument, 0, 'r'},
        {"tokens", required_argument, 0, 'n'}, {"out", required_argument, 0, 'o'},
        {"sim", no_argument, 0, 's'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *model = "stories-110m", *out = NULL;
    int64_t rank = 32, n_tokens = 32;
    int c, sim = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': sim = 1; break;
        case 'm': model = optarg; break;
        case 'r': rank = cli_parse_int("bench", "--rank", optarg, 1, 1 << 16); break;
        case 'n': n_tokens = cli_parse_int("bench", "--tokens", optarg, 1, 1 << 16); break;
        case 'o': out = optarg; break;
        case 'h': fputs(bench_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("bench", argv);
        }
    }
    if (optind < argc)
        cli_usage_error("bench", "unexpected argument '%s'", argv[optind]);
    if (!sim && getenv("OMP_WAIT_POLICY") == NULL) {
        // the OpenMP runtime reads its wait policy once, at start: restart
        // with passive waiting (argv - 1 is main's argv, "plsim" first)
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        execv("/proc/self/exe", argv - 1);
        cli_die("bench: cannot restart with OMP_WAIT_POLICY=PASSIVE");
    }
    char *md = NULL;
    struct sim_err err;
    const enum sim_status st =
        sim ? ana_bench_sim("/proc/self/exe", scn_presets_dir(), stderr, &md, &err)
            : ana_bench_reference(model, rank, n_tokens, stderr, &md, &err);
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    fputs(md, stdout);
    const enum sim_status ws = out != NULL ? sim_afile_write_text(out, md, &err) : SIM_OK;
    free(md);
    if (ws != SIM_OK)
        cli_die("%s", err.msg);
    return CLI_EXIT_OK;
}
