/*
 * analysis/run: one scenario run as `plsim run` runs it: the input in
 * its own mode and, for a split mode, the same input device-only and
 * cloud-only beside it; then the report files.
 */
#ifndef ANALYSIS_RUN_H
#define ANALYSIS_RUN_H

#include "models/input.h"
#include "results/report.h"
#include "sim/run.h"

struct ana_run {
    struct sim_result r;           /* the run itself */
    int compared;                  /* 1: the two comparisons below were tried */
    struct sim_summary device_only; /* valid when has_device_only */
    struct sim_summary cloud_only;  /* valid when has_cloud_only */
    int has_device_only, has_cloud_only; /* 0: that side cannot hold its part */
    char not_compared[1024];       /* why a comparison is missing, or "" */
    struct res_context ctx;        /* what the report says beside the numbers */
    char edge_cost[96], cloud_cost[96], network[256], path[1024]; /* ctx's strings */
};

/* Runs in (scenario_path names it in reports) with o; with compare and
 * a split mode, also device-only and cloud-only (their platform file is
 * o->platform_path + ".compare", removed after); a comparison whose side
 * cannot hold its part of the model (SIM_ERANGE) is left out, and
 * not_compared says why. Free with ana_run_free. */
enum sim_status ana_run(const struct mdl_input *in, const char *scenario_path,
                        const struct sim_run_opts *o, int compare, struct ana_run *out,
                        struct sim_err *err);

/* Writes DIR/summary.json and DIR/steps.csv when out_dir is not NULL,
 * and the Chrome trace when trace is not NULL (the run must have traced). */
enum sim_status ana_run_write(const struct ana_run *run, const char *out_dir,
                              const char *trace, struct sim_err *err);

/* The comparisons that ran, or NULL. */
const struct sim_summary *ana_run_device_only(const struct ana_run *run);
const struct sim_summary *ana_run_cloud_only(const struct ana_run *run);

void ana_run_free(struct ana_run *run);

#endif
