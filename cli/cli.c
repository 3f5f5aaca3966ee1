/*
 * cli/cli: shared CLI helpers. See cli.h.
 */
#include "cli/cli.h"
#include "analysis/batch.h"
#include "util/progress.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void cli_die(const char *fmt, ...)
{
    va_list ap;
    fputs("plsim: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(CLI_EXIT_USAGE);
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "plsim %s: error: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'plsim %s --help'.\n", cmd);
    exit(CLI_EXIT_USAGE);
}

void cli_bad_option(const char *cmd, char **argv)
{
    const char *tok = argv[optind - 1];
    if (optopt != 0 && strncmp(tok, "--", 2) != 0 && strchr(tok, optopt) != NULL)
        cli_usage_error(cmd, "option '-%c' is unknown or needs a value", optopt);
    cli_usage_error(cmd, "option '%s' is unknown or needs a value", tok);
}

int64_t cli_parse_int(const char *cmd, const char *opt, const char *s,
                      int64_t lo, int64_t hi)
{
    char *end = NULL;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        cli_usage_error(cmd, "%s: expected an integer, found '%s'", opt, s);
    if (v < lo || v > hi)
        cli_usage_error(cmd, "%s: %lld is outside [%lld, %lld]", opt, v,
                        (long long)lo, (long long)hi);
    return (int64_t)v;
}

int64_t *cli_parse_int_list(const char *cmd, const char *opt, const char *s,
                            int64_t lo, int64_t hi, int64_t *n_out)
{
    const size_t len = strlen(s);
    if (len == 0)
        cli_usage_error(cmd, "%s: empty list", opt);
    int64_t *v = sim_xmalloc((len / 2 + 1) * sizeof *v);
    char *copy = sim_xmalloc(len + 1);
    memcpy(copy, s, len + 1);
    int64_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save))
        v[n++] = cli_parse_int(cmd, opt, tok, lo, hi);
    const int trailing = s[len - 1] == ',' || s[0] == ',' || strstr(s, ",,") != NULL;
    free(copy);
    if (n == 0 || trailing) {
        free(v);
        cli_usage_error(cmd, "%s: malformed list '%s'", opt, s);
    }
    *n_out = n;
    return v;
}

static void progress_cb(void *ctx, int64_t done)
{
    sim_progress_update(ctx, done);
}

enum sim_status cli_simulate_all(const struct mdl_input *in, int64_t n, int jobs,
                                 const char *what, int quiet, struct sim_summary *out,
                                 int64_t *failed, struct sim_err *err)
{
    struct sim_progress prog;
    sim_progress_begin(&prog, what, n, quiet);
    const enum sim_status st = ana_simulate_all(in, n, jobs, progress_cb, &prog, out, failed,
                                                err);
    sim_progress_end(&prog);
    return st;
}
