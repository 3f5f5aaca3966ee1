/*
 * analysis/batch: parallel simulations. See batch.h.
 */
#include "analysis/batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/run.h"
#include "util/cleanup.h"

int ana_default_jobs(void)
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

enum sim_status ana_simulate_all(const struct mdl_input *in, int64_t n, int jobs,
                                 ana_progress_fn progress, void *progress_ctx,
                                 struct sim_summary *out, int64_t *failed, struct sim_err *err)
{
    struct sim_job *job = sim_xcalloc((size_t)n, sizeof *job);
    char (*platform)[300] = sim_xcalloc((size_t)n, sizeof *platform);
    enum sim_status st = SIM_OK;
    int64_t started = 0, done = 0;
    *failed = -1;
    while (done < started || (st == SIM_OK && started < n)) {
        while (st == SIM_OK && started < n && started - done < jobs) {
            struct sim_run_opts o;
            memset(&o, 0, sizeof o);
            const char *tmp = sim_tmpdir();
            snprintf(platform[started], sizeof platform[0], "%s/platform-%lld.xml",
                     tmp != NULL ? tmp : "/tmp", (long long)started);
            sim_cleanup_add(platform[started]);
            o.platform_path = platform[started];
            st = sim_run_start(&in[started], &o, &job[started], err);
            if (st == SIM_ERANGE) { // a side cannot hold the model: no speed, no failure
                job[started].pid = -1;
                st = SIM_OK;
            }
            if (st != SIM_OK)
                *failed = started;
            else
                started++;
        }
        if (done == started)
            break;
        struct sim_result r;
        struct sim_err e2;
        memset(&r, 0, sizeof r);
        enum sim_status s2 = SIM_OK;
        if (job[done].pid < 0)
            sim_summary_unfit(&r.summary, &in[done]);
        else
            s2 = sim_run_finish(&job[done], &r, &e2);
        if (s2 == SIM_OK)
            out[done] = r.summary;
        else if (st == SIM_OK) { // keep the first failure, drain the rest
            st = s2;
            *err = e2;
            *failed = done;
        }
        sim_result_free(&r);
        remove(platform[done]);
        sim_cleanup_forget(platform[done]);
        done++;
        if (progress != NULL)
            progress(progress_ctx, done);
    }
    free(job);
    free(platform);
    return st;
}
