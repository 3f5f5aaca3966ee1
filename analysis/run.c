/*
 * analysis/run: a run with its comparisons and report files. See run.h.
 */
#include "analysis/run.h"

#include <stdio.h>
#include <string.h>

#include "results/trace.h"
#include "util/cleanup.h"

/* Simulates in in mode m, for comparison: no trace, no progress. */
static enum sim_status compare(const struct mdl_input *in, const struct sim_run_opts *o,
                               enum ref_mode m, const char *platform, struct sim_summary *out,
                               struct sim_err *err)
{
    struct sim_run_opts co = *o;
    co.trace = 0;
    co.progress = 0; // only the main run reports its steps
    co.platform_path = platform;
    struct mdl_input other = *in;
    struct sim_result r;
    struct sim_err why;
    enum sim_status st = mdl_input_set_mode(&other, m, &why);
    if (st == SIM_OK)
        st = sim_run(&other, &co, &r, &why);
    if (st != SIM_OK)
        return sim_err_set(err, st, "%s (comparison run, mode %s)", why.msg, ref_mode_name(m));
    *out = r.summary;
    sim_result_free(&r);
    return SIM_OK;
}

/* Describes a side's cost model for the report. */
static void cost_label(const struct mdl_cost *c, char *buf, size_t cap)
{
    if (c->method == MDL_COST_CALIBRATED)
        snprintf(buf, cap, "calibrated (roofline x %.4g)", c->scale);
    else
        snprintf(buf, cap, "roofline");
}

enum sim_status ana_run(const struct mdl_input *in, const char *scenario_path,
                        const struct sim_run_opts *o, int compare_modes, struct ana_run *out,
                        struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    const enum ref_mode mode = in->plan.mode;
    out->compared = compare_modes && mode != REF_MODE_DEVICE_ONLY && mode != REF_MODE_CLOUD_ONLY;
    enum sim_status st = SIM_OK;
    if (out->compared) {
        char platform[4300];
        snprintf(platform, sizeof platform, "%s.compare", o->platform_path);
        sim_cleanup_add(platform);
        static const enum ref_mode modes[2] = {REF_MODE_DEVICE_ONLY, REF_MODE_CLOUD_ONLY};
        struct sim_summary *sums[2] = {&out->device_only, &out->cloud_only};
        int *has[2] = {&out->has_device_only, &out->has_cloud_only};
        for (int m = 0; m < 2 && st == SIM_OK; m++) {
            struct sim_err why;
            st = compare(in, o, modes[m], platform, sums[m], &why);
            *has[m] = st == SIM_OK;
            if (st == SIM_ERANGE) { // a side that cannot hold the model has no speed
                snprintf(out->not_compared + strlen(out->not_compared),
                         sizeof out->not_compared - strlen(out->not_compared), "%s%s",
                         out->not_compared[0] ? "; " : "", why.msg);
                st = SIM_OK;
            } else if (st != SIM_OK) {
                *err = why;
            }
        }
        remove(platform);
        sim_cleanup_forget(platform);
    }
    if (st == SIM_OK)
        st = sim_run(in, o, &out->r, err);
    if (st != SIM_OK)
        return st;
    cost_label(&in->cost[REF_EDGE], out->edge_cost, sizeof out->edge_cost);
    cost_label(&in->cost[REF_CLOUD], out->cloud_cost, sizeof out->cloud_cost);
    snprintf(out->path, sizeof out->path, "%s", scenario_path);
    out->ctx = (struct res_context){
        .scenario_path = out->path,
        .model_name = in->model_name,
        .network_model = sim_run_network_model(o, out->network, sizeof out->network),
        .timing = ref_timing_names[in->plan.overlap ? 1 : 0],
        .edge_cost = out->edge_cost,
        .cloud_cost = out->cloud_cost,
        .seed = (unsigned long long)in->seed,
        .in = in,
    };
    return SIM_OK;
}

enum sim_status ana_run_write(const struct ana_run *run, const char *out_dir,
                              const char *trace, struct sim_err *err)
{
    const struct sim_summary *dev = ana_run_device_only(run);
    const struct sim_summary *cloud = ana_run_cloud_only(run);
    enum sim_status st = SIM_OK;
    if (out_dir != NULL) {
        char path[4200];
        snprintf(path, sizeof path, "%s/summary.json", out_dir);
        st = res_report_write_summary(path, &run->ctx, &run->r, dev, cloud, err);
        snprintf(path, sizeof path, "%s/steps.csv", out_dir);
        if (st == SIM_OK)
            st = res_report_write_steps(path, &run->r, err);
        snprintf(path, sizeof path, "%s/requests.csv", out_dir);
        if (st == SIM_OK)
            st = res_report_write_requests(path, &run->r, err);
    }
    if (st == SIM_OK && trace != NULL)
        st = res_trace_write(trace, &run->r, err);
    return st;
}

const struct sim_summary *ana_run_device_only(const struct ana_run *run)
{
    return run->compared && run->has_device_only ? &run->device_only : NULL;
}

const struct sim_summary *ana_run_cloud_only(const struct ana_run *run)
{
    return run->compared && run->has_cloud_only ? &run->cloud_only : NULL;
}

void ana_run_free(struct ana_run *run)
{
    sim_result_free(&run->r);
}
