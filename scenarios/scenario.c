/*
 * scenarios/scenario: schema check per file, `extends` merge, and
 * resolution into SI structs. See scenario.h.
 */
#include "scenarios/scenario.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/llm.h"
#include "scenarios/catalog.h"
#include "scenarios/json.h"
#include "scenarios/schema.h"
#include "scenarios/units.h"
#include "util/paths.h"

#define MAX_CHAIN 9     /* extends depth, plus the command line */

// ---- the loader's state ----

struct scn_scenario {
    char path[1024];             /* the file asked for */
    char chain[MAX_CHAIN][1024]; /* files, nearest first ("(command line)" overrides) */
    const char *chain_ptrs[MAX_CHAIN];
    int n_chain;
    struct scn_origins origins; /* which file set each value */
    struct mdl_input in;        /* the resolved values */
    int scope[2];         /* -1: the catalog's, 0: model, 1: decoder only */
};


// ---- extends and merge ----

/* dst <- dst overlaid with src, key by key. A catalog reference given as
 * a string in dst and overridden by an object in src keeps dst's name. */
static void merge_into(cJSON *dst, const cJSON *src)
{
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, src)
    {
        cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, it->string);
        if (old != NULL && cJSON_IsObject(it) && cJSON_IsString(old)) {
            cJSON *as_obj = cJSON_CreateObject();
            cJSON_AddStringToObject(as_obj, "name", old->valuestring);
            cJSON_ReplaceItemInObjectCaseSensitive(dst, it->string, as_obj);
            old = as_obj;
        }
        if (old != NULL && cJSON_IsObject(it) && cJSON_IsObject(old))
            merge_into(old, it);
        else if (old != NULL)
            cJSON_ReplaceItemInObjectCaseSensitive(dst, it->string, cJSON_Duplicate(it, 1));
        else
            cJSON_AddItemToObject(dst, it->string, cJSON_Duplicate(it, 1));
    }
}

/* The path `extends` names, relative to the directory of file. */
static void extends_path(const char *file, const char *target, char *out, size_t cap)
{
    if (target[0] == '/') {
        snprintf(out, cap, "%s", target);
        return;
    }
    const char *slash = strrchr(file, '/');
    if (slash == NULL)
        snprintf(out, cap, "%s", target);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - file), file, target);
}

/* Reads file, checks it, and returns the merged tree of its chain. */
static enum sim_status load_chain(struct scn_scenario *s, const char *file, cJSON **out,
                                  struct sim_err *err)
{
    *out = NULL;
    char real[PATH_MAX];
    const char *key = realpath(file, real) ? real : file;
    for (int i = 0; i < s->n_chain; i++) {
        char other[PATH_MAX];
        if (strcmp(realpath(s->chain[i], other) ? other : s->chain[i], key) == 0)
            return sim_err_set(err, SIM_EINVAL, "%s: $.extends: cycle: %s is already in the "
                               "chain", s->chain[s->n_chain - 1], file);
    }
    if (s->n_chain == MAX_CHAIN)
        return sim_err_set(err, SIM_EINVAL, "%s: $.extends: chain longer than %d files",
                           s->chain[s->n_chain - 1], MAX_CHAIN);
    const int idx = s->n_chain++;
    snprintf(s->chain[idx], sizeof s->chain[idx], "%s", file);
    s->chain_ptrs[idx] = s->chain[idx];
    cJSON *root = NULL;
    enum sim_status st = scn_json_read_file(file, &root, err);
    if (st != SIM_OK) {
        if (idx > 0) { // say who asked for the missing file
            struct sim_err why = *err;
            sim_err_set(err, st, "%s: $.extends: %s", s->chain[idx - 1], why.msg);
        }
        return st;
    }
    if (!cJSON_IsObject(root)) {
        st = sim_err_set(err, SIM_EINVAL, "%s: $: expected an object, found %s", file,
                         scn_json_type_name(root));
        cJSON_Delete(root);
        return st;
    }
    st = scn_schema_check_object(&s->origins, idx, file, "$", scn_top_fields, root, err);
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(root, "extends");
    if (st == SIM_OK && ext != NULL) {
        char parent_path[2048];
        extends_path(file, ext->valuestring, parent_path, sizeof parent_path);
        cJSON *parent = NULL;
        st = load_chain(s, parent_path, &parent, err);
        if (st == SIM_OK) {
            merge_into(parent, root);
            cJSON_Delete(root);
            root = parent;
        }
    }
    if (st != SIM_OK) {
        cJSON_Delete(root);
        return st;
    }
    *out = root;
    return SIM_OK;
}

// ---- resolution: merged tree -> structs ----

struct ctx {
    struct scn_scenario *s;
    const cJSON *root;
    const char *file; /* the loaded file, named in cross-field errors */
};

/* The file that set jpath, for cross-field errors; the loaded file when
 * nothing recorded it. */
static const char *where(const struct ctx *c, const char *jpath)
{
    const char *o = scn_scenario_origin(c->s, jpath);
    return o != NULL ? o : c->file;
}

static const cJSON *at(const cJSON *root, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, a);
    return (v != NULL && b != NULL) ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

/* Numeric value at $.a[.b] in SI; SIM_EINVAL "missing" when required. */
static enum sim_status get_num(const struct ctx *c, const char *a, const char *b,
                               enum scn_quantity q, int required, double dflt, double *out,
                               struct sim_err *err)
{
    const cJSON *v = at(c->root, a, b);
    if (v == NULL) {
        if (required)
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s%s%s: missing; expected %s", c->file, a,
                               b ? "." : "", b ? b : "",
                               q == SCN_Q_COUNT ? "a number" : scn_quantity_name(q));
        *out = dflt;
        return SIM_OK;
    }
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return SIM_OK;
    }
    struct sim_err why; // already checked per file, so this cannot fail
    return scn_units_parse(v->valuestring, q, out, &why);
}

static enum sim_status get_str(const struct ctx *c, const char *a, const char *b,
                               const char *dflt, const char **out, struct sim_err *err)
{
    const cJSON *v = at(c->root, a, b);
    if (v == NULL && dflt == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.%s%s%s: missing; expected a value", c->file, a,
                           b ? "." : "", b ? b : "");
    *out = v != NULL ? v->valuestring : dflt;
    return SIM_OK;
}

static enum sim_status resolve_model(const struct ctx *c, struct sim_err *err)
{
    struct scn_scenario *s = c->s;
    const char *name = NULL, *mode = NULL;
    enum sim_status st = get_str(c, "model", NULL, NULL, &name, err);
    if (st == SIM_OK)
        st = get_str(c, "mode", NULL, NULL, &mode, err);
    if (st != SIM_OK)
        return st;
    struct sim_err why;
    if (mdl_llm_load(name, &s->in.model, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: $.model: %s", c->file, why.msg);
    snprintf(s->in.model_name, sizeof s->in.model_name, "%s", name);
    ref_plan_opts_default(&s->in.plan);
    ref_mode_parse(mode, &s->in.plan.mode);
    return SIM_OK;
}

static enum sim_status resolve_ranks(const struct ctx *c, struct sim_err *err)
{
    struct scn_scenario *s = c->s;
    const int needs = s->in.plan.mode == REF_MODE_NAIVE_SPLIT || s->in.plan.mode == REF_MODE_PRIVATELORA ||
                      s->in.plan.mode == REF_MODE_PL_FIRST_K;
    double r = 0, rc = 0, rd = 0;
    enum sim_status st = get_num(c, "rank", NULL, SCN_Q_COUNT, 0, 0, &r, err);
    if (st == SIM_OK)
        st = get_num(c, "rank_c2d", NULL, SCN_Q_COUNT, 0, r, &rc, err);
    if (st == SIM_OK)
        st = get_num(c, "rank_d2c", NULL, SCN_Q_COUNT, 0, r, &rd, err);
    if (st != SIM_OK)
        return st;
    if (needs && (rc < 1 || rd < 1))
        return sim_err_set(err, SIM_EINVAL, "%s: $.rank: mode %s needs a rank >= 1 (or rank_c2d "
                           "and rank_d2c)", where(c, "$.rank"), ref_mode_name(s->in.plan.mode));
    const double dim = (double)s->in.model.dim;
    if (rc > dim || rd > dim)
        return sim_err_set(err, SIM_EINVAL, "%s: $.%s: rank %g is larger than the width %g of %s",
                           where(c, rc > dim ? (at(c->root, "rank_c2d", NULL) ? "$.rank_c2d"
                                                                              : "$.rank")
                                             : (at(c->root, "rank_d2c", NULL) ? "$.rank_d2c"
                                                                              : "$.rank")),
                           rc > dim ? (at(c->root, "rank_c2d", NULL) ? "rank_c2d" : "rank")
                                    : (at(c->root, "rank_d2c", NULL) ? "rank_d2c" : "rank"),
                           rc > rd ? rc : rd, dim, s->in.model_name);
    s->in.plan.rank_c2d = (int64_t)rc;
    s->in.plan.rank_d2c = (int64_t)rd;
    const cJSON *layers = at(c->root, "adapted_layers", NULL);
    if (layers != NULL && cJSON_IsArray(layers)) {
        s->in.plan.adapt_all = 0;
        int i = 0;
        const cJSON *e = NULL;
        cJSON_ArrayForEach(e, layers)
        {
            if (e->valuedouble >= (double)s->in.model.n_layers)
                return sim_err_set(err, SIM_EINVAL, "%s: $.adapted_layers[%d]: layer %g does not "
                                   "exist; %s has layers 0..%lld", where(c, "$.adapted_layers"),
                                   i, e->valuedouble,
                                   s->in.model_name, (long long)s->in.model.n_layers - 1);
            s->in.plan.adapted[(int)e->valuedouble] = 1;
            i++;
        }
    }
    double k = 0;
    st = get_num(c, "first_k", NULL, SCN_Q_COUNT, s->in.plan.mode == REF_MODE_PL_FIRST_K, 0, &k, err);
    if (st == SIM_OK && k > (double)s->in.model.n_layers)
        st = sim_err_set(err, SIM_EINVAL, "%s: $.first_k: %g exceeds the %lld layers of %s",
                         where(c, "$.first_k"), k, (long long)s->in.model.n_layers, s->in.model_name);
    s->in.plan.first_k = (int64_t)k;
    return st;
}

static enum sim_status resolve_precisions(const struct ctx *c, struct sim_err *err)
{
    struct ref_plan_opts *o = &c->s->in.plan;
    const char *transfer = NULL, *timing = NULL, *naive = NULL;
    enum sim_status st = get_num(c, "edge_weight_bits", NULL, SCN_Q_COUNT, 1, 0,
                                 &o->weight_bits[REF_EDGE], err);
    if (st == SIM_OK)
        st = get_num(c, "cloud_weight_bits", NULL, SCN_Q_COUNT, 1, 0, &o->weight_bits[REF_CLOUD],
                     err);
    if (st == SIM_OK)
        st = get_num(c, "adapter_bits", NULL, SCN_Q_COUNT, 0, 16, &o->adapter_bits, err);
    if (st == SIM_OK)
        st = get_num(c, "kv_bits", NULL, SCN_Q_COUNT, 0, 16, &o->kv_bits, err);
    if (st == SIM_OK)
        st = get_str(c, "transfer", NULL, NULL, &transfer, err);
    if (st == SIM_OK)
        st = get_str(c, "timing", NULL, NULL, &timing, err);
    if (st == SIM_OK)
        st = get_str(c, "accounting", "naive_up", "d", &naive, err);
    const char *down = NULL;
    if (st == SIM_OK)
        st = get_str(c, "accounting", "downlink", "counted", &down, err);
    if (st != SIM_OK)
        return st;
    c->s->in.downlink_counted = strcmp(down, "ignored") != 0;
    ref_dtype_parse(transfer, &o->transfer);
    o->overlap = strcmp(timing, "overlap") == 0;
    o->naive_up_qkv = strcmp(naive, "qkv") == 0;
    return SIM_OK;
}

static enum sim_status resolve_workload(const struct ctx *c, struct sim_err *err)
{
    struct mdl_workload *w = &c->s->in.workload;
    const char *phase = NULL;
    double p = 0, n = 0, b = 0, dev = 0, gpus = 0, seed = 0;
    enum sim_status st = get_str(c, "workload", "phase", NULL, &phase, err);
    if (st == SIM_OK)
        st = get_num(c, "workload", "prompt_tokens", SCN_Q_COUNT, 1, 0, &p, err);
    if (st == SIM_OK)
        st = get_num(c, "workload", "new_tokens", SCN_Q_COUNT, 1, 0, &n, err);
    if (st == SIM_OK)
        st = get_num(c, "workload", "batch", SCN_Q_COUNT, 1, 0, &b, err);
    if (st == SIM_OK)
        st = get_num(c, "workload", "devices", SCN_Q_COUNT, 0, 1, &dev, err);
    if (st == SIM_OK)
        st = get_num(c, "cloud_gpus", NULL, SCN_Q_COUNT, 0, 1, &gpus, err);
    if (st == SIM_OK)
        st = get_num(c, "seed", NULL, SCN_Q_COUNT, 0, 1, &seed, err);
    if (st != SIM_OK)
        return st;
    ref_phase_parse(phase, &w->phase);
    w->prompt_tokens = (int64_t)p;
    w->new_tokens = (int64_t)n;
    w->batch = (int64_t)b;
    w->devices = (int64_t)dev;
    c->s->in.cloud_gpus = (int64_t)gpus;
    c->s->in.seed = (uint64_t)seed;
    // the prefill makes the first token and the last needs no position
    if (p + n - 1 > (double)c->s->in.model.seq_len)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload: prompt_tokens + new_tokens - 1 = "
                           "%g exceeds the %lld-token context of %s", c->file, p + n - 1,
                           (long long)c->s->in.model.seq_len, c->s->in.model_name);
    struct ref_plan_opts *o = &c->s->in.plan;
    o->phase = REF_PHASE_PREFILL;
    o->n_tokens = w->prompt_tokens;
    o->batch = w->batch;
    o->pos = 0;
    return SIM_OK;
}

/* Applies inline overrides of a device or link object to a fact. */
static void override_fact(const struct ctx *c, const cJSON *obj, const char *key,
                          enum scn_quantity q, struct mdl_fact *f, const char *jprefix)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return;
    struct sim_err why;
    if (cJSON_IsNumber(v))
        f->value = v->valuedouble;
    else
        scn_units_parse(v->valuestring, q, &f->value, &why);
    char jpath[128];
    snprintf(jpath, sizeof jpath, "%s.%s", jprefix, key);
    const char *who = scn_scenario_origin(c->s, jpath);
    f->kind = MDL_KIND_OVERRIDE;
    snprintf(f->source, sizeof f->source, "set by %s", who ? who : c->file);
    f->present = 1;
}

static enum sim_status resolve_device(const struct ctx *c, const char *key, enum scn_catalog cat,
                                      struct mdl_device *d, struct sim_err *err)
{
    const cJSON *v = at(c->root, key, NULL);
    if (v == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.%s: missing; expected a %s name or object",
                           c->file, key, scn_catalog_noun(cat));
    const char *name = cJSON_IsString(v) ? v->valuestring : NULL;
    if (name == NULL) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "name");
        if (n == NULL)
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s.name: missing; an inline %s names its "
                               "catalog base", c->file, key, scn_catalog_noun(cat));
        name = n->valuestring;
    }
    char path[4096];
    struct sim_err why;
    if (scn_catalog_device_load(scn_catalog_path(cat, path, sizeof path), cat, name, d, &why) !=
        SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: $.%s: %s", c->file, key, why.msg);
    if (!cJSON_IsObject(v))
        return SIM_OK;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "$.%s", key);
    override_fact(c, v, "memory_bandwidth", SCN_Q_BANDWIDTH, &d->mem_bw_Bps, prefix);
    override_fact(c, v, "memory_capacity", SCN_Q_BYTES, &d->mem_capacity_bytes, prefix);
    const enum mdl_precision prec = c->s->in.precision[cat == SCN_CAT_EDGE ? REF_EDGE : REF_CLOUD];
    override_fact(c, v, "peak_flops", SCN_Q_FLOPS, &d->peak_dense_flop_per_s[prec], prefix);
    return SIM_OK;
}

static enum sim_status resolve_link(const struct ctx *c, struct sim_err *err)
{
    const cJSON *v = at(c->root, "link", NULL);
    if (v == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link: missing; expected a link name or object",
                           c->file);
    struct mdl_link *l = &c->s->in.link;
    const cJSON *n = cJSON_IsString(v) ? v : cJSON_GetObjectItemCaseSensitive(v, "name");
    if (n != NULL) {
        char path[4096];
        struct sim_err why;
        if (scn_catalog_link_load(scn_catalog_path(SCN_CAT_LINK, path, sizeof path),
                                  n->valuestring, l, &why) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "%s: $.link: %s", c->file, why.msg);
    } else {
        memset(l, 0, sizeof *l);
        snprintf(l->name, sizeof l->name, "custom");
        snprintf(l->description, sizeof l->description, "defined inline");
    }
    if (cJSON_IsObject(v)) {
        override_fact(c, v, "uplink", SCN_Q_BANDWIDTH, &l->uplink_Bps, "$.link");
        override_fact(c, v, "downlink", SCN_Q_BANDWIDTH, &l->downlink_Bps, "$.link");
        override_fact(c, v, "rtt", SCN_Q_TIME, &l->rtt_s, "$.link");
        override_fact(c, v, "jitter", SCN_Q_TIME, &l->jitter_s, "$.link");
        override_fact(c, v, "loss", SCN_Q_RATIO, &l->loss, "$.link");
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(v, "trace");
        if (tr != NULL)
            snprintf(l->trace, sizeof l->trace, "%s", tr->valuestring);
    }
    static const char *const need[] = {"uplink", "downlink", "rtt"};
    const struct mdl_fact *facts[] = {&l->uplink_Bps, &l->downlink_Bps, &l->rtt_s};
    for (int i = 0; i < 3; i++)
        if (!facts[i]->present)
            return sim_err_set(err, SIM_EINVAL, "%s: $.link.%s: missing; an inline link without "
                               "a catalog name needs uplink, downlink and rtt", c->file, need[i]);
    return SIM_OK;
}

/* Cost options per side: method, efficiencies, overhead, precision. */
static enum sim_status resolve_cost_options(const struct ctx *c, struct sim_err *err)
{
    static const char *const sides[2] = {"edge", "cloud"};
    for (int side = 0; side < 2; side++) {
        const cJSON *o = at(c->root, "cost", sides[side]);
        const struct ctx sub = {.s = c->s, .root = o != NULL ? o : c->root, .file = c->file};
        struct mdl_cost *k = &c->s->in.cost[side];
        const char *method = "roofline", *prec = "fp16", *scope = "catalog";
        enum sim_status st = SIM_OK;
        memset(k, 0, sizeof *k);
        k->compute_efficiency = k->memory_efficiency = k->scale = 1.0;
        if (o != NULL) {
            st = get_str(&sub, "method", NULL, "roofline", &method, err);
            if (st == SIM_OK)
                st = get_str(&sub, "precision", NULL, "fp16", &prec, err);
            if (st == SIM_OK)
                st = get_num(&sub, "compute_efficiency", NULL, SCN_Q_COUNT, 0, 1,
                             &k->compute_efficiency, err);
            if (st == SIM_OK)
                st = get_num(&sub, "memory_efficiency", NULL, SCN_Q_COUNT, 0, 1,
                             &k->memory_efficiency, err);
            if (st == SIM_OK)
                st = get_num(&sub, "stage_overhead", NULL, SCN_Q_TIME, 0, 0, &k->stage_overhead_s,
                             err);
            if (st == SIM_OK)
                st = get_str(&sub, "calibration_scope", NULL, "catalog", &scope, err);
        }
        if (st != SIM_OK)
            return st;
        c->s->scope[side] = strcmp(scope, "catalog") == 0 ? -1 : strcmp(scope, "decoder") == 0;
        k->method = strcmp(method, "calibrated") == 0 ? MDL_COST_CALIBRATED : MDL_COST_ROOFLINE;
        for (int p = 0; p < MDL_PREC_COUNT; p++)
            if (strcmp(prec, mdl_precision_name((enum mdl_precision)p)) == 0)
                c->s->in.precision[side] = (enum mdl_precision)p;
    }
    return SIM_OK;
}

/* Scale of a calibrated side from the device's measured entry. */
static enum sim_status calibrate_side(const struct ctx *c, int side, const struct mdl_device *d,
                                      struct sim_err *err)
{
    struct scn_scenario *s = c->s;
    const double bits = s->in.plan.weight_bits[side];
    const struct mdl_measured *m = mdl_device_find_measured(d, s->in.model_name, bits,
                                                            REF_PHASE_DECODE);
    if (m == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s.method: calibrated needs a measured "
                           "decode throughput of %s at %g-bit weights on %s, and the catalog "
                           "has none", c->file, side == REF_EDGE ? "edge" : "cloud",
                           s->in.model_name, bits, d->name);
    // The measured setting: the whole model on that side, one decode step
    // at the workload's mean decode context. Attention and KV traffic are
    // linear in the context, so the mean decode step then takes exactly
    // 1 / measured rate (decode positions run prompt .. prompt+new-2).
    struct ref_plan_opts o = s->in.plan;
    o.mode = side == REF_EDGE ? REF_MODE_DEVICE_ONLY : REF_MODE_CLOUD_ONLY;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    o.batch = 1;
    const int64_t n = s->in.workload.new_tokens;
    o.pos = s->in.workload.prompt_tokens + (n >= 2 ? (n - 2) / 2 : 0);
    if (o.pos >= s->in.model.seq_len) // no decode step: the context of the prefill's end
        o.pos = s->in.model.seq_len - 1;
    struct ref_plan *p = NULL;
    struct sim_err why;
    enum sim_status st = ref_plan_build(&s->in.model, &o, &p, &why);
    if (st == SIM_OK)
        st = mdl_cost_calibrate(&s->in.cost[side], p, (enum ref_place)side,
                                s->scope[side] >= 0 ? s->scope[side] : m->decoder_only,
                                m->tokens_per_s.value, &why);
    ref_plan_destroy(p);
    if (st != SIM_OK)
        return sim_err_set(err, st, "%s: $.cost.%s: %s", c->file,
                           side == REF_EDGE ? "edge" : "cloud", why.msg);
    return SIM_OK;
}

/* Fills each side's cost model from its device and options. */
static enum sim_status resolve_costs(const struct ctx *c, struct sim_err *err)
{
    for (int side = 0; side < 2; side++) {
        const struct mdl_device *d = side == REF_EDGE ? &c->s->in.edge : &c->s->in.cloud;
        struct mdl_cost *k = &c->s->in.cost[side];
        const enum mdl_precision prec = c->s->in.precision[side];
        if (!d->peak_dense_flop_per_s[prec].present)
            return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s.precision: %s lists no dense %s "
                               "peak; choose another precision or set $.%s.peak_flops", c->file,
                               side == REF_EDGE ? "edge" : "cloud", d->name,
                               mdl_precision_name(prec), side == REF_EDGE ? "edge" : "cloud");
        k->peak_flop_per_s = d->peak_dense_flop_per_s[prec].value;
        k->mem_bw_Bps = d->mem_bw_Bps.value;
        if (!(k->peak_flop_per_s > 0.0) || !(k->mem_bw_Bps > 0.0))
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s: peak FLOPS and memory bandwidth must "
                               "be positive", c->file, side == REF_EDGE ? "edge" : "cloud");
        if (k->method == MDL_COST_CALIBRATED) {
            const enum sim_status st = calibrate_side(c, side, d, err);
            if (st != SIM_OK)
                return st;
        }
    }
    return SIM_OK;
}

/* Builds {"a": {"b": value}} from "a.b=value" strings. */
static cJSON *overrides_object(const char *const *ov, int n, struct sim_err *err)
{
    cJSON *root = cJSON_CreateObject();
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(ov[i], '=');
        if (eq == NULL || eq == ov[i]) {
            sim_err_set(err, SIM_EINVAL, "(command line): '%s': expected KEY=VALUE", ov[i]);
            cJSON_Delete(root);
            return NULL;
        }
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(eq - ov[i]), ov[i]);
        cJSON *obj = root;
        char *save = NULL, *part = strtok_r(key, ".", &save);
        while (part != NULL) {
            char *next = strtok_r(NULL, ".", &save);
            if (next == NULL) {
                cJSON *v = cJSON_ParseWithOpts(eq + 1, NULL, 1); // whole value or a string
                if (v == NULL || !(cJSON_IsNumber(v) || cJSON_IsBool(v) || cJSON_IsArray(v))) {
                    cJSON_Delete(v);
                    v = cJSON_CreateString(eq + 1);
                }
                cJSON_DeleteItemFromObjectCaseSensitive(obj, part);
                cJSON_AddItemToObject(obj, part, v);
            } else {
                cJSON *sub = cJSON_GetObjectItemCaseSensitive(obj, part);
                if (!cJSON_IsObject(sub)) {
                    cJSON_DeleteItemFromObjectCaseSensitive(obj, part);
                    sub = cJSON_AddObjectToObject(obj, part);
                }
                obj = sub;
            }
            part = next;
        }
    }
    return root;
}

static enum sim_status resolve_all(struct scn_scenario *s, const char *path, cJSON *root,
                                   struct sim_err *err);

enum sim_status scn_scenario_load(const char *path, scn_scenario_t **out, struct sim_err *err)
{
    return scn_scenario_load_with(path, NULL, 0, out, err);
}

enum sim_status scn_scenario_load_with(const char *path, const char *const *overrides,
                                       int n_overrides, scn_scenario_t **out,
                                       struct sim_err *err)
{
    *out = NULL;
    struct scn_scenario *s = sim_xcalloc(1, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    cJSON *root = NULL;
    enum sim_status st = SIM_OK;
    if (n_overrides > 0) {
        // the command line is the nearest "file": its values win
        snprintf(s->chain[0], sizeof s->chain[0], "(command line)");
        s->chain_ptrs[0] = s->chain[0];
        s->n_chain = 1;
        cJSON *ov = overrides_object(overrides, n_overrides, err);
        st = ov != NULL ? scn_schema_check_object(&s->origins, 0, "(command line)", "$",
                                                  scn_top_fields, ov, err)
                        : SIM_EINVAL;
        if (st == SIM_OK)
            st = load_chain(s, path, &root, err);
        if (st == SIM_OK)
            merge_into(root, ov);
        cJSON_Delete(ov);
    } else {
        st = load_chain(s, path, &root, err);
    }
    if (st == SIM_OK)
        st = resolve_all(s, path, root, err);
    cJSON_Delete(root);
    if (st != SIM_OK) {
        free(s);
        return st;
    }
    *out = s;
    return SIM_OK;
}

static enum sim_status resolve_all(struct scn_scenario *s, const char *path, cJSON *root,
                                   struct sim_err *err)
{
    enum sim_status st = SIM_OK;
    const struct ctx c = {.s = s, .root = root, .file = path};
    if (st == SIM_OK)
        st = resolve_model(&c, err);
    if (st == SIM_OK)
        st = resolve_ranks(&c, err);
    if (st == SIM_OK)
        st = resolve_precisions(&c, err);
    if (st == SIM_OK)
        st = resolve_workload(&c, err);
    if (st == SIM_OK)
        st = resolve_cost_options(&c, err);
    if (st == SIM_OK)
        st = resolve_device(&c, "edge", SCN_CAT_EDGE, &s->in.edge, err);
    if (st == SIM_OK)
        st = resolve_device(&c, "cloud", SCN_CAT_GPU, &s->in.cloud, err);
    if (st == SIM_OK)
        st = resolve_link(&c, err);
    if (st == SIM_OK)
        st = resolve_costs(&c, err);
    if (st == SIM_OK) {
        const char *desc = NULL;
        get_str(&c, "description", NULL, "", &desc, err);
        snprintf(s->in.description, sizeof s->in.description, "%s", desc);
        // the last check is the simulator's own: what loads is what runs
        snprintf(s->in.origin, sizeof s->in.origin, "%s", path);
        st = mdl_input_check(&s->in, err);
    }
    return st;
}

void scn_scenario_destroy(scn_scenario_t *s)
{
    free(s);
}

const char *scn_presets_dir(void)
{
    static char dir[4096]; // resolved once per process
    const char *env = getenv("PLSIM_SCENARIOS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    if (dir[0] == '\0')
        snprintf(dir, sizeof dir, "%s/scenarios", sim_data_dir());
    return dir;
}

// ---- accessors ----

const char *scn_scenario_path(const scn_scenario_t *s) { return s->path; }
const struct mdl_input *scn_scenario_input(const scn_scenario_t *s) { return &s->in; }

const char *scn_scenario_origin(const scn_scenario_t *s, const char *jpath)
{
    const int f = scn_origins_find(&s->origins, jpath);
    return f >= 0 ? s->chain[f] : NULL;
}

const char *const *scn_scenario_chain(const scn_scenario_t *s, int *n)
{
    *n = s->n_chain;
    return s->chain_ptrs;
}
