/*
 * tests/test_report: what people look at: traces, break-even, figures.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>

#include "tests/helpers.h"
#include "scenarios/scenario.h"
#include "analysis/breakeven.h"
#include "scenarios/scenario.h"
#include "sim/run.h"

#define SRC PLSIM_SOURCE_DIR


static void temp_dir(char *dir, size_t cap, const char *tag)
{
    snprintf(dir, cap, "/tmp/plsim-report-%ld-%s", (long)getpid(), tag);
    mkdir(dir, 0700);
}

Test(res_trace, trace_is_json_with_one_slice_per_stage_and_tracks_named)
{
    char dir[128], args[768], path[300];
    temp_dir(dir, sizeof dir, "trace");
    snprintf(path, sizeof path, "%s/t.json", dir);
    snprintf(args, sizeof args, "run %s/scenarios/paper-7b.json --set model=tiny --set rank=8 "
             "--set cost.cloud.method=roofline --set workload.prompt_tokens=4 "
             "--set workload.new_tokens=3 --set workload.devices=2 --no-compare -q --trace %s",
             SRC, path);
    cr_assert_eq(th_run_plsim(args), 0);
    size_t n;
    char *text = th_slurp(path, &n);
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "the trace is not valid JSON");
    const cJSON *ev = cJSON_GetObjectItem(root, "traceEvents");
    cr_assert(cJSON_IsArray(ev));
    // tiny (4 layers, all adapted): a step has embed, embed_up, 4 x 10
    // stages, final_norm, hidden_down, lm_head = 45 stages; 3 steps, 2 devices
    int slices = 0, meta = 0, messages = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, ev)
    {
        const char *ph = cJSON_GetObjectItem(e, "ph")->valuestring;
        if (strcmp(ph, "X") == 0) {
            slices++;
            const cJSON *args_o = cJSON_GetObjectItem(e, "args");
            cr_assert_not_null(cJSON_GetObjectItem(args_o, "bytes"));
            cr_assert_not_null(cJSON_GetObjectItem(args_o, "layer"));
            cr_assert_not_null(cJSON_GetObjectItem(args_o, "direction"));
            messages += cJSON_GetObjectItem(args_o, "bytes")->valuedouble > 0;
            cr_expect_geq(cJSON_GetObjectItem(e, "dur")->valuedouble, 0.0);
        } else if (strcmp(ph, "M") == 0) {
            meta++;
        }
    }
    cr_expect_eq(slices, 45 * 3 * 2);
    cr_expect_eq(messages, (1 + 4 * 2 + 1) * 3 * 2);
    cr_expect_eq(meta, 5 * 2, "a process name and four track names per device");
    cJSON_Delete(root);
    free(text);
    th_remove_dir(dir);
}

/* The resolved input of a preset with overrides. */
static struct mdl_input preset(const char *name, const char *const *set, int n_set)
{
    char path[300];
    snprintf(path, sizeof path, SRC "/scenarios/%s", name);
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load_with(path, set, n_set, &s, &err), SIM_OK, "%s", err.msg);
    const struct mdl_input in = *scn_scenario_input(s);
    scn_scenario_destroy(s);
    return in;
}

Test(ana_breakeven, rtt_crossing_with_device_only_matches_the_closed_form)
{
    // Additive PrivateLoRA: every decode step pays 33 RTT for 7B, so
    // 1/tps(rtt) = 1/tps(0) + 33 rtt and the crossing with the device's
    // constant rate D is rtt* = (1/D - 1/tps(0)) / 33.
    const char *set[] = {"workload.new_tokens=3", "workload.prompt_tokens=16"};
    const struct mdl_input in = preset("paper-7b.json", set, 2);
    struct ana_breakeven b;
    struct sim_err err;
    cr_assert_eq(ana_breakeven_find(&in, REF_MODE_DEVICE_ONLY, ANA_OVER_RTT, 0.0, 0.1, &b,
                                    &err), SIM_OK, "%s", err.msg);
    cr_assert(b.found);
    const double closed = (1.0 / b.tps_lo[1] - 1.0 / b.tps_lo[0]) / 33.0;
    cr_expect(fabs(b.x - closed) <= 1e-6 * closed, "found %.12g s, closed form %.12g s", b.x,
              closed);
    cr_expect(fabs(b.tps_x - b.tps_lo[1]) <= 1e-6 * b.tps_lo[1]);
    // against cloud-only there is no crossing: the cloud is faster at any RTT
    cr_assert_eq(ana_breakeven_find(&in, REF_MODE_CLOUD_ONLY, ANA_OVER_RTT, 0.0, 0.1, &b, &err),
                 SIM_OK, "%s", err.msg);
    cr_expect_not(b.found);
    cr_expect_gt(b.tps_lo[1], b.tps_lo[0]);
}

Test(ana_breakeven, bad_range_is_refused)
{
    const struct mdl_input in = preset("paper-7b.json", NULL, 0);
    struct ana_breakeven b;
    struct sim_err err;
    cr_expect_eq(ana_breakeven_find(&in, REF_MODE_DEVICE_ONLY, ANA_OVER_UPLINK, 0.0, 1e6, &b,
                                    &err), SIM_EINVAL);
    cr_expect_eq(ana_breakeven_find(&in, REF_MODE_DEVICE_ONLY, ANA_OVER_RTT, 0.5, 0.1, &b, &err),
                 SIM_EINVAL);
}

Test(res_plots, figures_render_as_png_and_svg)
{
    char dir[128], args[512];
    temp_dir(dir, sizeof dir, "plots");
    snprintf(args, sizeof args, "plots -q -o %s", dir);
    cr_assert_eq(th_run_plsim(args), 0);
    static const char *const figs[] = {"tps_vs_rank", "tps_vs_batch", "tps_vs_rtt",
                                       "tps_vs_uplink", "bytes_per_token", "breakdown"};
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    for (size_t i = 0; i < sizeof figs / sizeof figs[0]; i++) {
        char path[300];
        size_t n;
        snprintf(path, sizeof path, "%s/%s.png", dir, figs[i]);
        char *png = th_slurp(path, &n);
        cr_expect_gt(n, 1000, "%s is nearly empty", path);
        cr_expect_eq(memcmp(png, png_sig, 8), 0, "%s lacks the PNG signature", path);
        free(png);
        snprintf(path, sizeof path, "%s/%s.svg", dir, figs[i]);
        char *svg = th_slurp(path, &n);
        cr_expect_gt(n, 1000, "%s is nearly empty", path);
        cr_expect(strstr(svg, "<svg") != NULL, "%s is not SVG", path);
        free(svg);
    }
    th_remove_dir(dir);
}
