/*
 * cli/cli: helpers shared by the subcommands: exit codes, usage errors,
 * number and list parsing, and atomic file output. Only the CLI prints
 * and exits; library code returns a status.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

/* Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Prints "plsim: error: <msg>" and exits 2. */
_Noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "plsim CMD: error: <msg>", then "Try 'plsim CMD --help'." and
 * exits 2. */
_Noreturn void cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage error for what getopt_long refused (opterr is 0): an
 * unknown option, or one missing its value; exits 2. */
_Noreturn void cli_bad_option(const char *cmd, char **argv);

/* Parses a whole decimal integer in [lo, hi] or dies naming the option. */
int64_t cli_parse_int(const char *cmd, const char *opt, const char *s,
                      int64_t lo, int64_t hi);

/* Parses a comma-separated list of integers in [lo, hi] into a new array
 * (caller frees) and its length; dies on a malformed list. */
int64_t *cli_parse_int_list(const char *cmd, const char *opt, const char *s,
                            int64_t lo, int64_t hi, int64_t *n_out);


struct sim_summary;
struct mdl_input;

/* analysis/batch's ana_simulate_all with progress on stderr labelled
 * what (unless quiet). */
enum sim_status cli_simulate_all(const struct mdl_input *in, int64_t n, int jobs,
                                 const char *what, int quiet, struct sim_summary *out,
                                 int64_t *failed, struct sim_err *err);


/* Subcommands: each returns the process exit code. */
int cli_cmd_checkpoint(int argc, char **argv);
int cli_cmd_forward(int argc, char **argv);
int cli_cmd_comm(int argc, char **argv);
int cli_cmd_resources(int argc, char **argv);
int cli_cmd_bench(int argc, char **argv);
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_show(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_run(int argc, char **argv);
int cli_cmd_sweep(int argc, char **argv);
int cli_cmd_gather(int argc, char **argv);
int cli_cmd_calibrate(int argc, char **argv);
int cli_cmd_sweep_task(int argc, char **argv);
int cli_cmd_paper(int argc, char **argv);
int cli_cmd_breakeven(int argc, char **argv);
int cli_cmd_capacity(int argc, char **argv);
int cli_cmd_tracegen(int argc, char **argv);
int cli_cmd_plots(int argc, char **argv);
int cli_cmd_atlas(int argc, char **argv);

/* analysis/figures with progress on stderr (also used by paper). */
enum sim_status cli_figures_make(const char *dir, int jobs, int quiet, struct sim_err *err);

#endif
