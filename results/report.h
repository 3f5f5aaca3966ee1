/*
 * results/report: a run's results as people and programs read them:
 * a text table, DIR/summary.json and DIR/steps.csv. Every number has its
 * unit in its name or column header. Files are written atomically.
 */
#ifndef RESULTS_REPORT_H
#define RESULTS_REPORT_H

#include <stdio.h>

#include "models/input.h"
#include "sim/result.h"
#include "util/status.h"

/* What a report says about the run besides the result itself. */
struct res_context {
    const char *scenario_path;
    const char *model_name;
    const char *network_model; /* e.g. "CM02, cross-traffic off, ..." */
    const char *timing;        /* "additive" or "overlap" */
    const char *edge_cost;     /* e.g. "roofline" */
    const char *cloud_cost;    /* e.g. "calibrated x4.006" */
    unsigned long long seed;
    const struct mdl_input *in; /* the resolved inputs, written into summary.json; may be NULL */
};

/* The readable table: rates, TTFT, per-token breakdown, bytes per token,
 * and the comparison rows (device-only, cloud-only) when given. */
void res_report_print(FILE *f, const struct res_context *ctx, const struct sim_result *r,
                      const struct sim_summary *device_only,
                      const struct sim_summary *cloud_only);

/* DIR/summary.json: keys include decode_tps, prefill_tps, ttft_s,
 * bytes_up_per_token, bytes_down_per_token, and "inputs": the resolved
 * model, mode, ranks, precisions, devices, link, workload, network model
 * and plsim's version, so the file says what produced it. Comparisons
 * may be NULL. */
enum sim_status res_report_write_summary(const char *path, const struct res_context *ctx,
                                         const struct sim_result *r,
                                         const struct sim_summary *device_only,
                                         const struct sim_summary *cloud_only,
                                         struct sim_err *err);

/* DIR/requests.csv: one row per request of every device: arrival,
 * first token and last token times, its lengths, TTFT, TPOT, e2e. */
enum sim_status res_report_write_requests(const char *path, const struct sim_result *r,
                                          struct sim_err *err);

/* DIR/steps.csv: one row per simulated step and device. */
enum sim_status res_report_write_steps(const char *path, const struct sim_result *r,
                                       struct sim_err *err);

/* The summary fields as (name, value) pairs, for sweeps; returns the
 * count written (at most cap, which RES_SUMMARY_FIELDS always covers).
 * Names carry units. */
#define RES_SUMMARY_FIELDS 64
int res_summary_fields(const struct sim_summary *s, const char **names, double *values, int cap);

#endif
