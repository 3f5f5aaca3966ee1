/*
 * tests/test_scenario: presets, extends, provenance, calibration, and a
 * battery of malformed scenarios, each with its own message (through the
 * library) and exit code 2 (through `plsim validate`).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"
#include "scenarios/catalog.h"
#include "models/cost.h"
#include "scenarios/scenario.h"

#define SRC PLSIM_SOURCE_DIR

static scn_scenario_t *load_ok(const char *path)
{
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load(path, &s, &err), SIM_OK, "%s", err.msg);
    return s;
}

Test(scn_scenario, every_preset_validates)
{
    glob_t g;
    cr_assert_eq(glob(SRC "/scenarios/*.json", 0, NULL, &g), 0);
    cr_expect_geq(g.gl_pathc, 11);
    for (size_t i = 0; i < g.gl_pathc; i++)
        scn_scenario_destroy(load_ok(g.gl_pathv[i]));
    globfree(&g);
}

Test(scn_scenario, paper_preset_resolves_to_si_with_provenance)
{
    scn_scenario_t *s = load_ok(SRC "/scenarios/paper-7b.json");
    const struct ref_plan_opts *o = &scn_scenario_input(s)->plan;
    cr_expect_eq(o->mode, REF_MODE_PRIVATELORA);
    cr_expect_eq(o->rank_c2d, 64);
    cr_expect_eq(o->transfer, REF_DTYPE_FP16);
    cr_expect_eq(scn_scenario_input(s)->link.uplink_Bps.value, 7.5e6);
    cr_expect_eq(scn_scenario_input(s)->link.rtt_s.value, 0.0);
    cr_expect_eq(scn_scenario_input(s)->edge.mem_bw_Bps.value, 4.27e10);
    cr_expect_eq(scn_scenario_input(s)->workload.batch, 1);
    cr_expect_eq(scn_scenario_input(s)->workload.devices, 1);
    cr_expect_str_eq(scn_scenario_origin(s, "$.rank"), SRC "/scenarios/paper-7b.json");
    cr_expect_null(scn_scenario_origin(s, "$.kv_bits")); // a default
    scn_scenario_destroy(s);
}

Test(scn_scenario, extends_overrides_key_by_key)
{
    scn_scenario_t *s = load_ok(SRC "/scenarios/lora-two-layers.json");
    const struct ref_plan_opts *o = &scn_scenario_input(s)->plan;
    cr_expect_eq(o->mode, REF_MODE_NAIVE_SPLIT); // from lora-all-layers
    cr_expect_eq(o->rank_c2d, 16);
    cr_expect_eq(o->adapt_all, 0);
    cr_expect(o->adapted[15] && o->adapted[31] && !o->adapted[14]);
    cr_expect_str_eq(scn_scenario_input(s)->model_name, "llama2-7b"); // from paper-7b
    int n = 0;
    scn_scenario_chain(s, &n);
    cr_expect_eq(n, 3);
    scn_scenario_destroy(s);
}

static void temp_dir(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/plsim-scn-%ld", (long)getpid());
    mkdir(dir, 0700);
}


Test(scn_scenario, inline_link_object_overrides_its_catalog_base)
{
    char dir[128], path[256];
    temp_dir(dir, sizeof dir);
    char text[512];
    snprintf(text, sizeof text, "{\"extends\": \"%s/scenarios/paper-7b.json\", \"link\": "
             "{\"rtt\": \"30 ms\"}}", SRC);
    th_write_file(dir, "rtt.json", text);
    snprintf(path, sizeof path, "%s/rtt.json", dir);
    scn_scenario_t *s = load_ok(path);
    const struct mdl_link *l = &scn_scenario_input(s)->link;
    cr_expect_str_eq(l->name, "paper-5g");
    cr_expect_eq(l->rtt_s.value, 0.03);
    cr_expect_eq(l->rtt_s.kind, MDL_KIND_OVERRIDE);
    cr_expect_eq(l->uplink_Bps.value, 7.5e6);
    cr_expect_eq(l->uplink_Bps.kind, MDL_KIND_ASSUMED);
    scn_scenario_destroy(s);
    th_remove_dir(dir);
}

Test(scn_scenario, calibrated_cloud_reproduces_the_measured_decoder_time)
{
    scn_scenario_t *s = load_ok(SRC "/scenarios/paper-7b.json");
    struct ref_plan_opts o = *&scn_scenario_input(s)->plan;
    o.mode = REF_MODE_CLOUD_ONLY;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    // calibrated at the mean decode context: prompt + (new_tokens - 2) / 2
    o.pos = scn_scenario_input(s)->workload.prompt_tokens + (scn_scenario_input(s)->workload.new_tokens - 2) / 2;
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_assert_eq(ref_plan_build(&scn_scenario_input(s)->model, &o, &p, &err), SIM_OK);
    const struct mdl_cost *c = &scn_scenario_input(s)->cost[REF_CLOUD];
    cr_expect_eq(c->method, MDL_COST_CALIBRATED);
    double decoder_s = 0;
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].layer >= 0)
            decoder_s += mdl_cost_stage_s(c, &p->stages[i]);
    cr_expect(fabs(decoder_s * 37.1 - 1.0) < 1e-12, "decoder %.9g s, want 1/37.1", decoder_s);
    ref_plan_destroy(p);
    scn_scenario_destroy(s);
}

Test(scn_scenario, roofline_edge_gives_the_papers_lm_head_time)
{
    // paper/hardware notes: LM head 6.14 ms = 32000 x 4096 x 2 B / 42.7 GB/s
    scn_scenario_t *s = load_ok(SRC "/scenarios/paper-7b.json");
    struct ref_plan_opts o = *&scn_scenario_input(s)->plan;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    struct ref_plan *p = NULL;
    struct sim_err err;
    cr_assert_eq(ref_plan_build(&scn_scenario_input(s)->model, &o, &p, &err), SIM_OK);
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i].op == REF_OP_LM_HEAD)
            cr_expect_float_eq(mdl_cost_stage_s(&scn_scenario_input(s)->cost[REF_EDGE], &p->stages[i]),
                               32000.0 * 4096 * 2 / 42.7e9, 1e-15);
    ref_plan_destroy(p);
    scn_scenario_destroy(s);
}

// ---- the malformed battery ----

struct bad {
    char name[32];
    char text[400]; /* "@BASE" expands to an extends of the valid base file */
    char expect[128];
};

#define EXT "{\"extends\": \"base.json\", "

static struct bad bads[] = {
    {"json-syntax", "{\"model\": \"llama2-7b\",\n  \"mode\": }", "invalid JSON at line 2, column"},
    {"top-array", "[1, 2]", "$: expected an object, found an array"},
    {"top-string", "\"paper\"", "$: expected an object, found a string"},
    {"unknown-key", EXT "\"rnak\": 8}", "$.rnak: unknown key (did you mean 'rank'?)"},
    {"unknown-nested", EXT "\"workload\": {\"bacth\": 2}}",
     "$.workload.bacth: unknown key (did you mean 'batch'?)"},
    {"unknown-far", EXT "\"colour\": \"red\"}", "$.colour: unknown key"},
    {"type-rank", EXT "\"rank\": \"64\"}", "$.rank: expected an integer, found a string"},
    {"type-workload", EXT "\"workload\": 5}", "$.workload: expected an object, found a number"},
    {"type-edge", EXT "\"edge\": 42}", "$.edge: expected a catalog name or an object"},
    {"missing-model", "{\"mode\": \"privatelora\"}", "$.model: missing"},
    {"missing-batch", "@FULL-NOBATCH", "$.workload.batch: missing"},
    {"negative-batch", EXT "\"workload\": {\"batch\": -3}}",
     "$.workload.batch: expected an integer >= 1"},
    {"fraction-tokens", EXT "\"workload\": {\"prompt_tokens\": 1.5}}",
     "$.workload.prompt_tokens: expected an integer, found 1.5"},
    {"zero-rank", EXT "\"rank\": 0}", "$.rank: mode privatelora needs a rank >= 1"},
    {"rank-too-wide", EXT "\"rank\": 5000}", "$.rank: rank 5000 is larger than the width 4096"},
    {"unknown-unit", EXT "\"link\": {\"rtt\": \"47 msec\"}}", "$.link.rtt: unknown unit 'msec'"},
    {"bits-typo", EXT "\"link\": {\"uplink\": \"60 mbps\"}}", "did you mean 'Mbps'"},
    {"wrong-quantity", EXT "\"link\": {\"rtt\": \"60 Mbps\"}}", "'Mbps' is a bandwidth unit"},
    {"negative-rtt", EXT "\"link\": {\"rtt\": \"-5 ms\"}}", "$.link.rtt: expected a value >= 0"},
    {"zero-uplink", EXT "\"link\": {\"uplink\": 0}}", "$.link.uplink: expected a value > 0"},
    {"non-finite", EXT "\"kv_bits\": 1e999}", "$.kv_bits: expected a finite value"},
    {"loss-one", EXT "\"link\": {\"loss\": 1.5}}", "$.link.loss: expected a value >= 0"},
    {"jitter-p99", EXT "\"link\": {\"jitter\": {\"dist\": \"lognormal\", \"median\": \"5 ms\"}}}",
     "$.link.jitter.p99: missing"},
    {"jitter-dist", EXT "\"link\": {\"jitter\": {\"dist\": \"normal\", \"mean\": 1}}}",
     "$.link.jitter.dist: expected \"exponential\" or \"lognormal\""},
    {"jitter-key", EXT "\"link\": {\"jitter\": {\"dist\": \"exponential\", \"median\": 1}}}",
     "$.link.jitter.median: unknown key; an exponential jitter has mean"},
    {"outage-overlap", EXT "\"link\": {\"outages\": [{\"start\": \"1 s\", \"duration\": "
                       "\"2 s\"}, {\"start\": \"2 s\", \"duration\": \"1 s\"}]}}",
     "$.link.outages[1].start: outages come in order and do not overlap"},
    {"fallback-no-timeout", EXT "\"link\": {\"fallback\": \"device-only\"}}",
     "$.link.fallback_timeout: missing"},
    {"fallback-timeout-alone", EXT "\"link\": {\"fallback_timeout\": \"1 s\"}}",
     "$.link.fallback_timeout: given without link.fallback"},
    {"fallback-value", EXT "\"link\": {\"fallback\": \"phone\"}}",
     "$.link.fallback: expected \"device-only\" or \"none\""},
    {"fallback-memory", EXT "\"link\": {\"fallback\": \"device-only\", \"fallback_timeout\": 1}}",
     "$.link.fallback: iphone13promax-paper cannot hold llama2-7b alone: it needs 13.493 GB (weights 13.477 GB at 16 bits"},
    {"fallback-speculative", EXT "\"edge_weight_bits\": 4, \"speculative\": {\"k\": 4, "
     "\"draft\": \"stories-110m\", \"acceptance\": 0.8}, \"link\": {\"fallback\": "
     "\"device-only\", \"fallback_timeout\": 1}}",
     "$.link.fallback: not modelled for speculative passes"},
    {"rto-zero", EXT "\"link\": {\"rto\": 0}}", "$.link.rto: expected a value > 0"},
    {"trace-missing", EXT "\"link\": {\"trace\": \"5g.csv\"}}",
     "5g.csv: cannot read"},
    {"efficiency", EXT "\"cost\": {\"edge\": {\"compute_efficiency\": 1.5}}}",
     "$.cost.edge.compute_efficiency: expected a value > 0"},
    {"duplicate-key", EXT "\"rank\": 8, \"rank\": 16}", "$.rank: duplicate key"},
    {"duplicate-nested", EXT "\"workload\": {\"batch\": 2, \"batch\": 3}}",
     "$.workload.batch: duplicate key"},
    {"bad-enum", EXT "\"mode\": \"privatelor\"}", "(did you mean 'privatelora'?)"},
    {"unknown-device", EXT "\"edge\": \"iphone99\"}", "$.edge: unknown edge device 'iphone99'"},
    {"unknown-link", EXT "\"link\": \"ookla\"}", "$.link: unknown link 'ookla'"},
    {"unknown-model", EXT "\"model\": \"llama5\"}", "$.model: unknown model 'llama5'"},
    {"layer-range", EXT "\"adapted_layers\": [15, 40]}",
     "$.adapted_layers[1]: layer 40 does not exist"},
    {"layers-type", EXT "\"adapted_layers\": \"some\"}",
     "$.adapted_layers: expected \"all\" or a non-empty array"},
    {"context", EXT "\"workload\": {\"prompt_tokens\": 4000, \"new_tokens\": 200}}",
     "exceeds the 4096-token context"},
    {"no-measurement", EXT "\"cost\": {\"edge\": {\"method\": \"calibrated\"}}}",
     "$.cost.edge.method: calibrated needs a measured decode throughput"},
    {"no-peak", EXT "\"cost\": {\"edge\": {\"precision\": \"int4\"}}}",
     "lists no dense int4 peak"},
    {"missing-extends", "{\"extends\": \"nope.json\"}", "$.extends: "},
    {"cycle-a", "{\"extends\": \"cycle-b.json\"}", "cycle"},
    {"self-extends", "{\"extends\": \"self-extends.json\"}", "cycle"},
    {"inline-no-name", "@FULL-INLINE", "$.edge.name: missing"},
    {"empty", "   \n", "empty file"},
    {"binary", "@BINARY", "binary file"},
    {"huge", "@HUGE", "larger than the"},
    {"deep", "@DEEP", "nesting deeper than 16"},
};

static const char base_text[] =
    "{\"model\": \"llama2-7b\", \"mode\": \"privatelora\", \"rank\": 64, "
    "\"edge_weight_bits\": 16, \"cloud_weight_bits\": 16, \"transfer\": \"fp16\", "
    "\"timing\": \"additive\", \"edge\": \"iphone13promax-paper\", \"cloud\": \"a100-80g-pcie\", "
    "\"link\": \"paper-5g\", \"workload\": {\"phase\": \"decode\", \"prompt_tokens\": 16, "
    "\"new_tokens\": 16, \"batch\": 1}}";

/* Materialises every battery file (and its helpers) into dir. */
static void write_battery(const char *dir)
{
    th_write_file(dir, "base.json", base_text);
    th_write_file(dir, "cycle-b.json", "{\"extends\": \"cycle-a.json\"}");
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.json", bads[i].name);
        const char *t = bads[i].text;
        if (strcmp(t, "@FULL-NOBATCH") == 0) {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", base_text);
            char *b = strstr(buf, ", \"batch\": 1");
            memmove(b, b + strlen(", \"batch\": 1"), strlen(b + strlen(", \"batch\": 1")) + 1);
            th_write_file(dir, name, buf);
        } else if (strcmp(t, "@FULL-INLINE") == 0) {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s", base_text);
            char *e = strstr(buf, "\"iphone13promax-paper\"");
            const char *repl = "{\"memory_bandwidth\": \"50 GB/s\"}";
            char tail[1024];
            snprintf(tail, sizeof tail, "%s", e + strlen("\"iphone13promax-paper\""));
            snprintf(e, sizeof buf - (size_t)(e - buf), "%s%s", repl, tail);
            th_write_file(dir, name, buf);
        } else if (strcmp(t, "@BINARY") == 0) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            FILE *f = fopen(path, "wb");
            fwrite("{\"a\":\0\x01\x02}", 1, 10, f);
            fclose(f);
        } else if (strcmp(t, "@HUGE") == 0) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            FILE *f = fopen(path, "wb");
            fputs("{\"description\": \"", f);
            for (int k = 0; k < (1 << 20); k++)
                fputc('x', f);
            fputs("\"}", f);
            fclose(f);
        } else if (strcmp(t, "@DEEP") == 0) {
            char buf[256] = "";
            for (int k = 0; k < 20; k++)
                strcat(buf, "[");
            for (int k = 0; k < 20; k++)
                strcat(buf, "]");
            th_write_file(dir, name, buf);
        } else {
            th_write_file(dir, name, t);
        }
    }
}

Test(scn_scenario, malformed_battery_each_names_file_path_and_problem)
{
    char dir[128];
    temp_dir(dir, sizeof dir);
    write_battery(dir);
    cr_expect_geq(sizeof bads / sizeof bads[0], 25);
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.json", dir, bads[i].name);
        scn_scenario_t *s = (scn_scenario_t *)1;
        struct sim_err err;
        memset(&err, 0, sizeof err);
        const enum sim_status st = scn_scenario_load(path, &s, &err);
        cr_expect_neq(st, SIM_OK, "%s was accepted", bads[i].name);
        cr_expect_null(s, "%s", bads[i].name);
        cr_expect(strstr(err.msg, bads[i].expect) != NULL, "%s: '%s' lacks '%s'", bads[i].name,
                  err.msg, bads[i].expect);
        cr_expect(strstr(err.msg, dir) != NULL, "%s: message names no file: %s", bads[i].name,
                  err.msg);
    }
    th_remove_dir(dir);
}

Test(scn_scenario, validate_exits_two_on_every_malformed_file_and_zero_on_presets)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char dir[128], cmd[1024];
    temp_dir(dir, sizeof dir);
    write_battery(dir);
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s validate %s/%s.json >/dev/null 2>&1", bin, dir, bads[i].name);
        const int st = system(cmd);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s: exit %d", bads[i].name,
                  WEXITSTATUS(st));
    }
    th_remove_dir(dir);
    snprintf(cmd, sizeof cmd, "%s validate %s/scenarios/*.json >/dev/null 2>&1", bin, SRC);
    const int st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

Test(scn_scenario, validate_and_run_refuse_what_the_engine_cannot_honour_alike)
{
    const char *bin = getenv("PLSIM_BIN");
    cr_assert_not_null(bin);
    char dir[128], cmd[1024], out[2][512];
    temp_dir(dir, sizeof dir);
    write_battery(dir);
    const char *verbs[2] = {"validate", "run"};
    const char *files[] = {"trace-missing", "jitter-dist"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        for (int v = 0; v < 2; v++) {
            snprintf(cmd, sizeof cmd, "%s %s %s/%s.json 2>&1 >/dev/null", bin, verbs[v], dir,
                     files[f]);
            FILE *p = popen(cmd, "r");
            cr_assert_not_null(p);
            const size_t n = fread(out[v], 1, sizeof out[v] - 1, p);
            out[v][n] = '\0';
            const int st = pclose(p);
            cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "%s %s: exit %d", verbs[v],
                      files[f], WEXITSTATUS(st));
        }
        cr_expect_str_eq(out[0], out[1], "validate and run differ on %s", files[f]);
    }
    th_remove_dir(dir);
}

Test(scn_scenario, last_generated_token_needs_no_context_position)
{
    // a 4096-token prompt and one new token fit LLaMA 2's 4096 context:
    // the prefill makes that token and nothing runs at position 4096
    const char *fits[] = {"workload.prompt_tokens=4096", "workload.new_tokens=1"};
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", fits, 2, &s, &err),
                 SIM_OK, "%s", err.msg);
    scn_scenario_destroy(s);
    // the same for LLaMA 30B's 2,048-token context, prefill alone or decode
    const char *fits30[] = {"workload.prompt_tokens=2048", "workload.new_tokens=1",
                            "workload.phase=prefill"};
    for (int n = 2; n <= 3; n++) {
        cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-30b.json", fits30, n, &s, &err),
                     SIM_OK, "%s", err.msg);
        scn_scenario_destroy(s);
    }
    const char *over[] = {"workload.prompt_tokens=4096", "workload.new_tokens=2"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", over, 2, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "exceeds the 4096-token context") != NULL, "%s", err.msg);
}

Test(scn_scenario, command_line_overrides_win_and_are_checked)
{
    const char *ov[] = {"link.rtt=30ms", "rank=16", "workload.batch=4"};
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", ov, 3, &s, &err), SIM_OK,
                 "%s", err.msg);
    cr_expect_eq(scn_scenario_input(s)->link.rtt_s.value, 0.03); // 30 ms, not 30 s
    cr_expect_eq(scn_scenario_input(s)->plan.rank_c2d, 16);
    cr_expect_eq(scn_scenario_input(s)->workload.batch, 4);
    cr_expect_str_eq(scn_scenario_origin(s, "$.rank"), "(command line)");
    cr_expect_str_eq(scn_scenario_path(s), SRC "/scenarios/paper-7b.json");
    scn_scenario_destroy(s);
    const char *typo[] = {"rnak=8"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", typo, 1, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "(command line): $.rnak: unknown key (did you mean 'rank'?)") != NULL,
              "%s", err.msg);
    const char *wide[] = {"rank=9999"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", wide, 1, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "(command line): $.rank: rank 9999 is larger") != NULL, "%s",
              err.msg);
}

Test(scn_scenario, calibration_is_the_devices_not_refit_to_each_workload)
{
    // the cloud's scale comes from the measurement at its stated context,
    // so a longer prompt makes decode slower, never faster
    const char *short_p[] = {"workload.prompt_tokens=16", "mode=cloud-only"};
    const char *long_p[] = {"workload.prompt_tokens=3000", "mode=cloud-only"};
    scn_scenario_t *a = NULL, *b = NULL;
    struct sim_err err;
    cr_assert_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", short_p, 2, &a, &err),
                 SIM_OK, "%s", err.msg);
    cr_assert_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", long_p, 2, &b, &err),
                 SIM_OK, "%s", err.msg);
    const struct mdl_input *x = scn_scenario_input(a), *y = scn_scenario_input(b);
    cr_expect_eq(x->cost[REF_CLOUD].scale, y->cost[REF_CLOUD].scale);
    // a decode step's cloud time at the end of each workload
    double t[2];
    const struct mdl_input *in[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        struct ref_plan_opts o = in[i]->plan;
        o.phase = REF_PHASE_DECODE;
        o.n_tokens = 1;
        o.pos = in[i]->workload.prompt_tokens;
        struct ref_plan *p = NULL;
        cr_assert_eq(ref_plan_build(&in[i]->model, &o, &p, &err), SIM_OK, "%s", err.msg);
        t[i] = mdl_cost_side_s(&in[i]->cost[REF_CLOUD], p, REF_CLOUD);
        ref_plan_destroy(p);
    }
    cr_expect_gt(t[1], t[0], "3000-token context %.6g s, 16-token %.6g s", t[1], t[0]);
    scn_scenario_destroy(a);
    scn_scenario_destroy(b);
}

Test(scn_scenario, an_unused_side_needs_no_calibration)
{
    // device-only never computes in the cloud: a cloud the catalog cannot
    // calibrate for this model does not stop it; cloud-only it does
    const char *dev[] = {"cloud=h100-sxm"};
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/device-only.json", dev, 1, &s, &err),
                 SIM_OK, "%s", err.msg);
    struct mdl_input in = *scn_scenario_input(s);
    cr_expect_eq(mdl_input_set_mode(&in, REF_MODE_CLOUD_ONLY, &err), SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.cost.cloud.method: calibrated, but the catalog has no "
                              "measurement") != NULL, "%s", err.msg);
    scn_scenario_destroy(s);
    const char *cloud[] = {"cloud=h100-sxm", "mode=cloud-only"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/device-only.json", cloud, 2, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "calibrated needs a measured decode throughput") != NULL, "%s",
              err.msg);
}

Test(scn_scenario, speculative_needs_a_split_and_a_known_draft)
{
    const char *cloud[] = {"speculative.k=3", "speculative.draft=prompt-lookup",
                           "speculative.acceptance=0.5", "mode=cloud-only"};
    scn_scenario_t *s = NULL;
    struct sim_err err;
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", cloud, 4, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "speculative verification needs a split mode") != NULL, "%s",
              err.msg);
    const char *draft[] = {"speculative.k=3", "speculative.draft=llama9", "speculative.acceptance=0.5"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", draft, 3, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.speculative.draft: unknown model 'llama9'") != NULL, "%s",
              err.msg);
    const char *half[] = {"speculative.k=3"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", half, 1, &s, &err),
                 SIM_EINVAL);
    cr_expect(strstr(err.msg, "$.speculative.draft: missing") != NULL, "%s", err.msg);
    const char *ok[] = {"speculative.k=4", "speculative.draft=stories-110m",
                        "speculative.acceptance=0.8"};
    cr_expect_eq(scn_scenario_load_with(SRC "/scenarios/paper-7b.json", ok, 3, &s, &err),
                 SIM_OK, "%s", err.msg);
    scn_scenario_destroy(s);
}
