/*
 * cli/cmd_paper: `plsim paper`, the paper's tables reproduced (analysis/
 * paper) and its figures rendered (analysis/figures). Exits 1 when a
 * checked row falls outside its tolerance.
 */
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/batch.h"
#include "analysis/figures.h"
#include "analysis/paper.h"
#include "cli/cli.h"
#include "scenarios/scenario.h"
#include "util/afile.h"

static const char paper_help[] =
    "Usage: plsim paper [-o DIR] [-j N] [--no-plots] [-q]\n\n"
    "Reproduces the paper's throughput tables (Table 3, the blog's r = 64\n"
    "speeds), its abstract's claims and its resource table from the paper\n"
    "presets only, and the same speeds under realistic US 5G. Writes\n"
    "DIR/tables.md and DIR/tables.json (default DIR: results/paper) and\n"
    "prints the Markdown, and renders the figures of `plsim plots` into\n"
    "DIR/plots. Every row states its tolerance and the accounting choice\n"
    "behind it; exits 1 if a checked row is outside.\n\n"
    "Example:\n  plsim paper -o results/paper\n";

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4200];
    struct sim_err err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (sim_afile_write_text(path, text, &err) != SIM_OK)
        cli_die("%s", err.msg);
}

int cli_cmd_paper(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"no-plots", no_argument, 0, 'n'},
                                         {0, 0, 0, 0}};
    const char *dir = "results/paper";
    int jobs = ana_default_jobs(), quiet = 0, plots = 1, c;
    while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': plots = 0; break;
        case 'o': dir = optarg; break;
        case 'j': jobs = (int)cli_parse_int("paper", "-j", optarg, 1, 256); break;
        case 'q': quiet = 1; break;
        case 'h': fputs(paper_help, stdout); return CLI_EXIT_OK;
        default: cli_bad_option("paper", argv);
        }
    }
    if (optind != argc)
        cli_usage_error("paper", "unexpected argument '%s'", argv[optind]);
    // the output directory first: fail before any work
    if (mkdir(dir, 0777) != 0 && access(dir, W_OK) != 0)
        cli_die("%s: cannot create the output directory", dir);
    static struct mdl_input in[ANA_PAPER_N_SIMS];
    struct sim_err err;
    if (ana_paper_inputs(scn_presets_dir(), in, &err) != SIM_OK)
        cli_die("%s", err.msg);
    struct sim_summary res[ANA_PAPER_N_SIMS];
    int64_t failed = -1;
    if (cli_simulate_all(in, ANA_PAPER_N_SIMS, jobs, "paper", quiet, res, &failed, &err) !=
        SIM_OK)
        cli_die("%s (%s)", err.msg, in[failed].origin);
    int n_rows, n_bad = 0;
    ana_paper_rows(&n_rows);
    struct ana_outcome *out = sim_xcalloc((size_t)n_rows, sizeof *out);
    if (ana_paper_evaluate(res, out, &n_bad, &err) != SIM_OK)
        cli_die("%s", err.msg);
    char *md = ana_paper_markdown(in, res, out, n_bad);
    char *js = ana_paper_json(in, res, out, n_bad);
    write_file(dir, "tables.md", md);
    write_file(dir, "tables.json", js);
    if (!quiet)
        fputs(md, stdout);
    free(md);
    free(js);
    free(out);
    if (plots) {
        char pdir[4200];
        snprintf(pdir, sizeof pdir, "%s/plots", dir);
        if (cli_figures_make(pdir, jobs, quiet, &err) != SIM_OK)
            cli_die("%s", err.msg);
    }
    if (n_bad > 0)
        fprintf(stderr, "plsim paper: %d row(s) outside their tolerance\n", n_bad);
    return n_bad > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
