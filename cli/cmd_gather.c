/*
 * cli/cmd_gather: the two ends of a sweep run as a Slurm job array:
 * `plsim sweep-task`, what each task of the array runs, and `plsim
 * gather`, which merges the tasks' rows into the sweep's CSV.
 */
#include <getopt.h>
#include <stdlib.h>

#include "analysis/slurm.h"
#include "cli/cli.h"

static const char gather_help[] =
    "Usage: plsim gather DIR -o OUT.csv\n\n"
    "Merges the rows a job array wrote into DIR/shards (see `plsim sweep\n"
    "--slurm`) into OUT.csv: the CSV a local `plsim sweep` of the same points\n"
    "writes, byte for byte. A point missing or failed is named on stderr\n"
    "with its error; then nothing is written and the exit status is 1\n"
    "(submit the array again: it runs only the missing points).\n\n"
    "Example:\n  plsim gather runs/rank -o rank.csv\n";

static const char task_help[] =
    "Usage: plsim sweep-task DIR TASK\n\n"
    "Runs task TASK of the job array in DIR (written by `plsim sweep --slurm`;\n"
    "job.sh calls it with $SLURM_ARRAY_TASK_ID): its points not yet done, one\n"
    "at a time, each row written atomically to DIR/shards/POINT.csv, or its\n"
    "error to DIR/shards/POINT.err. Exit status 1 if a point failed.\n";

int cli_cmd_gather(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': fputs(gather_help, stdout); exit(CLI_EXIT_OK);
        default: cli_bad_option("gather", argv);
        }
    }
    if (optind != argc - 1 || out == NULL)
        cli_usage_error("gather", "give the sweep's folder and -o OUT.csv");
    struct sim_err err;
    const enum sim_status st = ana_slurm_gather(argv[optind], out, &err);
    if (st == SIM_ERANGE) { // points missing: run them, then gather again
        fprintf(stderr, "plsim gather: %s\n", err.msg);
        return CLI_EXIT_FAIL;
    }
    if (st != SIM_OK)
        cli_die("%s", err.msg);
    fprintf(stderr, "plsim gather: %s -> %s\n", argv[optind], out);
    return CLI_EXIT_OK;
}

int cli_cmd_sweep_task(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(task_help, stdout); exit(CLI_EXIT_OK);
        default: cli_bad_option("sweep-task", argv);
        }
    }
    if (optind != argc - 2)
        cli_usage_error("sweep-task", "give the sweep's folder and the task's number");
    const int64_t task = cli_parse_int("sweep-task", "TASK", argv[optind + 1], 0,
                                       ANA_SLURM_MAX_ARRAY - 1);
    struct sim_err err;
    int64_t done = 0, failed = 0;
    if (ana_slurm_task(argv[optind], task, &done, &failed, &err) != SIM_OK)
        cli_die("%s", err.msg);
    fprintf(stderr, "sweep-task %lld: %lld point%s simulated, %lld failed\n", (long long)task,
            (long long)done, done == 1 ? "" : "s", (long long)failed);
    return failed > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
