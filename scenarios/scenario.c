/*
 * scenarios/scenario: the scenario's field table, the `extends` chain
 * applied file by file (the base first, the command line last), and the
 * cross-field checks that make a struct mdl_input. See scenario.h.
 *
 * One pass: every file is checked and written into the same struct by
 * scenarios/schema, so an error names the file that holds the value and
 * nothing is checked in one place and read in another. Defaults are the
 * table's; cross-field rules (ranks against the mode and the width,
 * layers against the model, calibration) run once at the end and name
 * the file that set the value they judge.
 */
#include "scenarios/scenario.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/catalog.h"
#include "scenarios/traces.h"
#include "scenarios/json.h"
#include "scenarios/schema.h"
#include "scenarios/units.h"
#include "util/paths.h"

#define MAX_CHAIN 9 /* extends depth, plus the command line */
#define BIG 1e15

// ---- the loader's state ----

/* A scenario's overrides of a device, kept until the end because the
 * peak they set is the one of the cost model's final precision. */
struct device_override {
    struct mdl_fact peak; /* peak_flops, if a file set it */
};

struct scn_scenario {
    char path[1024];             /* the file asked for */
    char chain[MAX_CHAIN][1024]; /* files, nearest first ("(command line)" overrides) */
    const char *chain_ptrs[MAX_CHAIN];
    int n_chain;
    struct scn_origins origins; /* which file set each value */
    struct mdl_input in;        /* the resolved values */
    int scope[2];               /* enum mdl_calibration_scope of each side */
    int64_t rank;               /* "rank": both ranks unless rank_c2d / rank_d2c are set */
    int64_t layers[REF_MAX_LAYERS]; /* "adapted_layers" as listed */
    int n_layers;               /* -1: "all" */
    struct device_override dev[2];
    int have_device[2];         /* 1: a catalog entry was loaded for the side */
    int have_link;
    char trace_file[1024];              /* workload.trace as written */
    struct mdl_request_trace trace;     /* its rows, which in.workload.trace points to */
    struct mdl_link_trace link_trace;   /* link.trace's rows (in.link.trace_rows) */
};

// ---- hooks: keys whose value spans several fields ----

static struct scn_scenario *scenario_of(const struct scn_apply *a)
{
    return a->target;
}

static void note(const struct scn_apply *a, const char *jpath)
{
    scn_origins_note(a->origins, jpath, a->file_idx);
}

static enum sim_status need_string(const struct scn_apply *a, const char *jpath, const cJSON *v,
                                   struct sim_err *err)
{
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a non-empty string, found %s",
                           a->file, jpath, scn_json_type_name(v));
    return SIM_OK;
}

static enum sim_status hook_model(const struct scn_apply *a, const struct scn_field *f,
                                  const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct scn_scenario *s = scenario_of(a);
    enum sim_status st = need_string(a, jpath, v, err);
    struct sim_err why;
    if (st == SIM_OK && scn_llm_load(v->valuestring, &s->in.model, &why) != SIM_OK)
        st = sim_err_set(err, SIM_EINVAL, "%s: %s: %s", a->file, jpath, why.msg);
    if (st != SIM_OK)
        return st;
    snprintf(s->in.model_name, sizeof s->in.model_name, "%s", v->valuestring);
    note(a, jpath);
    return SIM_OK;
}

static enum sim_status hook_layers(const struct scn_apply *a, const struct scn_field *f,
                                   const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct scn_scenario *s = scenario_of(a);
    if (cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0) {
        s->n_layers = -1;
        note(a, jpath);
        return SIM_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected \"all\" or a non-empty array of "
                           "layer indices, found %s", a->file, jpath, scn_json_type_name(v));
    int i = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsNumber(e) || e->valuedouble < 0 || floor(e->valuedouble) != e->valuedouble ||
            e->valuedouble >= REF_MAX_LAYERS)
            return sim_err_set(err, SIM_EINVAL, "%s: %s[%d]: expected a layer index >= 0, found "
                               "%s", a->file, jpath, i, scn_json_type_name(e));
        s->layers[i++] = (int64_t)e->valuedouble;
    }
    s->n_layers = i;
    note(a, jpath);
    return SIM_OK;
}

/* Marks a fact as set by the scenario file. */
static void overridden(const struct scn_apply *a, struct mdl_fact *fact, double v)
{
    fact->value = v;
    fact->kind = MDL_KIND_OVERRIDE;
    fact->present = 1;
    snprintf(fact->source, sizeof fact->source, "set by %s", a->file);
}

/* The keys a device or link object may hold, besides "name". */
struct ref_key {
    const char *key;
    enum scn_quantity q;
    double min, max;
    int min_open;
    ptrdiff_t off; /* struct mdl_fact in the device or link; -1: the pending peak */
};

static const struct ref_key device_keys[] = {
    {"memory_bandwidth", SCN_Q_BANDWIDTH, 0, BIG, 1, offsetof(struct mdl_device, mem_bw_Bps)},
    {"memory_capacity", SCN_Q_BYTES, 0, BIG, 1,
     offsetof(struct mdl_device, mem_capacity_bytes)},
    {"peak_flops", SCN_Q_FLOPS, 0, 1e20, 1, -1},
    {"message_overhead", SCN_Q_TIME, 0, 60, 0, offsetof(struct mdl_device, message_overhead_s)},
    {"idle_power", SCN_Q_POWER, 0, 1e6, 0, offsetof(struct mdl_device, idle_power_W)},
    {"active_power", SCN_Q_POWER, 0, 1e6, 0, offsetof(struct mdl_device, active_power_W)},
    {"battery", SCN_Q_ENERGY, 0, 1e9, 1, offsetof(struct mdl_device, battery_J)},
    {"price", SCN_Q_PRICE, 0, 1e6, 0, offsetof(struct mdl_device, price_usd_per_s)},
    {NULL, SCN_Q_COUNT, 0, 0, 0, 0},
};

static const struct ref_key link_keys[] = {
    {"uplink", SCN_Q_BANDWIDTH, 0, BIG, 1, offsetof(struct mdl_link, uplink_Bps)},
    {"downlink", SCN_Q_BANDWIDTH, 0, BIG, 1, offsetof(struct mdl_link, downlink_Bps)},
    {"rtt", SCN_Q_TIME, 0, 3600, 0, offsetof(struct mdl_link, rtt_s)},
    {"jitter", SCN_Q_TIME, 0, 3600, 0, offsetof(struct mdl_link, jitter_s)},
    {"loss", SCN_Q_RATIO, 0, 0.999999, 0, offsetof(struct mdl_link, loss)},
    {"rto", SCN_Q_TIME, 0, 60, 1, offsetof(struct mdl_link, rto_s)},
    {"trace_start", SCN_Q_TIME, 0, 1e9, 0, offsetof(struct mdl_link, trace_start_s)},
    {"fallback_timeout", SCN_Q_TIME, 0, 3600, 1,
     offsetof(struct mdl_link, fallback_timeout_s)},
    {"radio_base_power", SCN_Q_POWER, 0, 1e3, 0, offsetof(struct mdl_link, radio.base_W)},
    {"radio_uplink_power", SCN_Q_POWER_PER_RATE, 0, 1, 0,
     offsetof(struct mdl_link, radio.up_J_per_B)},
    {"radio_downlink_power", SCN_Q_POWER_PER_RATE, 0, 1, 0,
     offsetof(struct mdl_link, radio.down_J_per_B)},
    {"radio_tail_power", SCN_Q_POWER, 0, 1e3, 0, offsetof(struct mdl_link, radio.tail_W)},
    {"radio_tail", SCN_Q_TIME, 0, 3600, 0, offsetof(struct mdl_link, radio.tail_s)},
    {"radio_idle_power", SCN_Q_POWER, 0, 1e3, 0, offsetof(struct mdl_link, radio.idle_W)},
    {NULL, SCN_Q_COUNT, 0, 0, 0, 0},
};

/* Applies the keys of a device or link object (its name already
 * handled) to obj, the device or link, and pending, the peak override. */
static enum sim_status link_extra(const struct scn_apply *a, const char *jpath,
                                  const cJSON *it, struct mdl_link *l, int *handled,
                                  struct sim_err *err);

static enum sim_status apply_ref_keys(const struct scn_apply *a, const char *jpath,
                                      const cJSON *v, const struct ref_key *keys, void *obj,
                                      struct mdl_fact *pending, struct mdl_link *link,
                                      struct sim_err *err)
{
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, v)
    {
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", jpath, it->string);
        if (strcmp(it->string, "name") == 0)
            continue;
        if (link != NULL) { // a link's keys that are not plain quantities
            int handled = 0;
            const enum sim_status st = link_extra(a, sub, it, link, &handled, err);
            if (st != SIM_OK)
                return st;
            if (handled)
                continue;
        }
        const struct ref_key *k = keys;
        while (k->key != NULL && strcmp(k->key, it->string) != 0)
            k++;
        if (k->key == NULL) {
            const char *names[32] = {"name"};
            int n = 1;
            for (const struct ref_key *g = keys; g->key != NULL; g++)
                names[n++] = g->key;
            if (link != NULL) {
                names[n++] = "trace";
                names[n++] = "trace_end";
                names[n++] = "trace_format";
                names[n++] = "outages";
                names[n++] = "fallback";
            }
            names[n] = NULL;
            const char *near = scn_json_suggest(it->string, names);
            return sim_err_set(err, SIM_EINVAL, "%s: %s: unknown key%s%s%s", a->file, sub,
                               near ? " (did you mean '" : "", near ? near : "",
                               near ? "'?)" : "");
        }
        const struct scn_field f = {k->key, SCN_F_QTY, k->q, NULL, k->min, k->max, k->min_open,
                                    NULL, SCN_NO_DEST, 8, 0, 0, NULL};
        double x = 0.0;
        const enum sim_status st = scn_schema_number(a->file, sub, &f, it, &x, err);
        if (st != SIM_OK)
            return st;
        overridden(a, k->off < 0 ? pending : (struct mdl_fact *)((char *)obj + k->off), x);
        note(a, sub);
    }
    return SIM_OK;
}

/* A duration at jpath (a unit string or seconds) in [min, max]. */
static enum sim_status duration_at(const struct scn_apply *a, const char *jpath, const cJSON *v,
                                   double min, double max, double *out, struct sim_err *err)
{
    const struct scn_field f = {"", SCN_F_QTY, SCN_Q_TIME, NULL, min, max, 0, NULL, SCN_NO_DEST,
                                8, 0, 0, NULL};
    if (v == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: missing", a->file, jpath);
    return scn_schema_number(a->file, jpath, &f, v, out, err);
}

/* A link's "trace" (a file name), "jitter" given as an object
 * ({"dist": "exponential", "mean"} or {"dist": "lognormal", "median",
 * "p99"}; a plain duration is the exponential's mean, a quantity key) and
 * "outages" (a list of {"start", "duration"}). *handled = 0: a plain key. */
static enum sim_status link_extra(const struct scn_apply *a, const char *jpath,
                                  const cJSON *it, struct mdl_link *l, int *handled,
                                  struct sim_err *err)
{
    enum sim_status st = SIM_OK;
    char sub[200];
    *handled = 1;
    if (strcmp(it->string, "trace") == 0) {
        st = need_string(a, jpath, it, err);
        if (st == SIM_OK)
            snprintf(l->trace, sizeof l->trace, "%s", it->valuestring);
    } else if (strcmp(it->string, "trace_format") == 0) {
        const int gnt = cJSON_IsString(it) && strcmp(it->valuestring, "g-nettrack") == 0;
        if (!gnt && !(cJSON_IsString(it) && strcmp(it->valuestring, "csv") == 0))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected \"csv\" or \"g-nettrack\"",
                               a->file, jpath);
        l->trace_gnettrack = gnt;
    } else if (strcmp(it->string, "fallback") == 0) {
        const int dev = cJSON_IsString(it) && strcmp(it->valuestring, "device-only") == 0;
        if (!dev && !(cJSON_IsString(it) && strcmp(it->valuestring, "none") == 0))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected \"device-only\" or \"none\"",
                               a->file, jpath);
        l->fallback_device_only = dev;
    } else if (strcmp(it->string, "trace_end") == 0) {
        const int loop = cJSON_IsString(it) && strcmp(it->valuestring, "loop") == 0;
        if (!loop && !(cJSON_IsString(it) && strcmp(it->valuestring, "hold") == 0))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected \"loop\" or \"hold\"",
                               a->file, jpath);
        l->trace_loop = loop;
    } else if (strcmp(it->string, "jitter") == 0 && cJSON_IsObject(it)) {
        const cJSON *dist = cJSON_GetObjectItemCaseSensitive(it, "dist");
        const int lognormal = cJSON_IsString(dist) && strcmp(dist->valuestring, "lognormal") == 0;
        if (!cJSON_IsString(dist) ||
            (!lognormal && strcmp(dist->valuestring, "exponential") != 0))
            return sim_err_set(err, SIM_EINVAL, "%s: %s.dist: expected \"exponential\" or "
                               "\"lognormal\"", a->file, jpath);
        const cJSON *k = NULL;
        cJSON_ArrayForEach(k, it)
        {
            const int known = strcmp(k->string, "dist") == 0 ||
                              (lognormal ? strcmp(k->string, "median") == 0 ||
                                               strcmp(k->string, "p99") == 0
                                         : strcmp(k->string, "mean") == 0);
            if (!known)
                return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: unknown key; %s", a->file,
                                   jpath, k->string,
                                   lognormal ? "a lognormal jitter has median and p99"
                                             : "an exponential jitter has mean");
        }
        double x = 0.0, p99 = 0.0;
        snprintf(sub, sizeof sub, "%s.%s", jpath, lognormal ? "median" : "mean");
        st = duration_at(a, sub, cJSON_GetObjectItemCaseSensitive(it, lognormal ? "median"
                                                                               : "mean"),
                         0.0, 3600.0, &x, err);
        if (st == SIM_OK && lognormal) {
            snprintf(sub, sizeof sub, "%s.p99", jpath);
            st = duration_at(a, sub, cJSON_GetObjectItemCaseSensitive(it, "p99"), 0.0, 3600.0,
                             &p99, err);
            if (st == SIM_OK && !(p99 > x && x > 0.0))
                st = sim_err_set(err, SIM_EINVAL, "%s: %s: a lognormal jitter needs a median > "
                                 "0 and a p99 above it", a->file, jpath);
        }
        if (st == SIM_OK) {
            overridden(a, &l->jitter_s, x);
            l->jitter_dist = lognormal ? MDL_JITTER_LOGNORMAL : MDL_JITTER_EXPONENTIAL;
            l->jitter_p99_s = p99;
        }
    } else if (strcmp(it->string, "jitter") == 0) {
        *handled = 0; // a plain duration: the exponential's mean
        l->jitter_dist = MDL_JITTER_EXPONENTIAL;
        return SIM_OK;
    } else if (strcmp(it->string, "outages") == 0) {
        if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > MDL_MAX_OUTAGES)
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a list of at most %d "
                               "{\"start\", \"duration\"}", a->file, jpath, MDL_MAX_OUTAGES);
        int n = 0;
        const cJSON *o = NULL;
        cJSON_ArrayForEach(o, it)
        {
            struct mdl_outage *w = &l->outages[n];
            snprintf(sub, sizeof sub, "%s[%d]", jpath, n);
            if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) != 2)
                return sim_err_set(err, SIM_EINVAL, "%s: %s: expected {\"start\", "
                                   "\"duration\"}", a->file, sub);
            char key[220];
            snprintf(key, sizeof key, "%s.start", sub);
            st = duration_at(a, key, cJSON_GetObjectItemCaseSensitive(o, "start"), 0.0, 1e9,
                             &w->start_s, err);
            snprintf(key, sizeof key, "%s.duration", sub);
            if (st == SIM_OK)
                st = duration_at(a, key, cJSON_GetObjectItemCaseSensitive(o, "duration"), 0.0,
                                 1e9, &w->duration_s, err);
            if (st == SIM_OK && n > 0 &&
                w->start_s < l->outages[n - 1].start_s + l->outages[n - 1].duration_s)
                st = sim_err_set(err, SIM_EINVAL, "%s: %s.start: outages come in order and do "
                                 "not overlap", a->file, sub);
            if (st != SIM_OK)
                return st;
            n++;
        }
        l->n_outages = n;
    } else {
        *handled = 0;
        return SIM_OK;
    }
    if (st == SIM_OK)
        note(a, jpath);
    return st;
}

/* The catalog name of a reference v at jpath (a string, or an object's
 * "name"; *name NULL for an object without one) and its JSON path. */
static enum sim_status ref_name(const struct scn_apply *a, const char *jpath, const cJSON *v,
                                const cJSON **name, char *sub, size_t cap, struct sim_err *err)
{
    if (!cJSON_IsString(v) && !cJSON_IsObject(v))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a catalog name or an object, "
                           "found %s", a->file, jpath, scn_json_type_name(v));
    *name = cJSON_IsString(v) ? v : cJSON_GetObjectItemCaseSensitive(v, "name");
    snprintf(sub, cap, "%s%s", jpath, cJSON_IsString(v) ? "" : ".name");
    return *name != NULL ? need_string(a, sub, *name, err) : SIM_OK;
}

/* "edge" and "cloud": a catalog name, or an object naming a base and
 * overriding its numbers. A name replaces what earlier files chose. */
static enum sim_status hook_device(const struct scn_apply *a, const struct scn_field *f,
                                   const char *jpath, const cJSON *v, struct sim_err *err)
{
    struct scn_scenario *s = scenario_of(a);
    const int side = strcmp(f->key, "edge") == 0 ? REF_EDGE : REF_CLOUD;
    const enum scn_catalog cat = side == REF_EDGE ? SCN_CAT_EDGE : SCN_CAT_GPU;
    struct mdl_device *d = side == REF_EDGE ? &s->in.edge : &s->in.cloud;
    char sub[160], path[4096];
    const cJSON *name = NULL;
    enum sim_status st = ref_name(a, jpath, v, &name, sub, sizeof sub, err);
    if (st != SIM_OK)
        return st;
    if (name != NULL) {
        struct sim_err why;
        // a catalog name; "this-host" (`plsim calibrate`'s entry); or a
        // .json file of one entry, relative to the scenario naming it
        const char *nm = name->valuestring, *catalog = scn_catalog_path(cat, path, sizeof path);
        const size_t len = strlen(nm);
        char file[4096];
        if (side == REF_EDGE && strcmp(nm, "this-host") == 0) {
            catalog = sim_host_entry_path(file, sizeof file);
        } else if (len > 5 && strcmp(nm + len - 5, ".json") == 0) {
            const char *slash = strrchr(a->file, '/');
            if (nm[0] == '/' || slash == NULL || strcmp(a->file, "(command line)") == 0)
                snprintf(file, sizeof file, "%s", nm);
            else
                snprintf(file, sizeof file, "%.*s/%s", (int)(slash - a->file), a->file, nm);
            catalog = file;
            nm = NULL; // its one entry, whatever its name
        }
        if (scn_catalog_device_load(catalog, cat, nm, d, &why) != SIM_OK)
            st = sim_err_set(err, SIM_EINVAL, "%s: %s: %s%s", a->file, jpath, why.msg,
                             catalog == file && nm != NULL
                                 ? " (`plsim calibrate` writes this host's entry)" : "");
        if (st != SIM_OK)
            return st;
        memset(&s->dev[side], 0, sizeof s->dev[side]);
        s->have_device[side] = 1;
        note(a, sub);
    } else if (!s->have_device[side]) {
        return sim_err_set(err, SIM_EINVAL, "%s: %s.name: missing; an inline %s names its "
                           "catalog base", a->file, jpath, scn_catalog_noun(cat));
    }
    if (!cJSON_IsObject(v))
        return SIM_OK;
    return apply_ref_keys(a, jpath, v, device_keys, d, &s->dev[side].peak, NULL, err);
}

/* "link": a catalog name, or an object with an optional base name. */
static enum sim_status hook_link(const struct scn_apply *a, const struct scn_field *f,
                                 const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct scn_scenario *s = scenario_of(a);
    struct mdl_link *l = &s->in.link;
    char sub[160], path[4096];
    const cJSON *name = NULL;
    enum sim_status st = ref_name(a, jpath, v, &name, sub, sizeof sub, err);
    if (st != SIM_OK)
        return st;
    if (name != NULL) {
        struct sim_err why;
        if (scn_catalog_link_load(scn_catalog_path(SCN_CAT_LINK, path, sizeof path),
                                  name->valuestring, l, &why) != SIM_OK)
            st = sim_err_set(err, SIM_EINVAL, "%s: %s: %s", a->file, jpath, why.msg);
        if (st != SIM_OK)
            return st;
        note(a, sub);
    } else if (!s->have_link) {
        memset(l, 0, sizeof *l);
        snprintf(l->name, sizeof l->name, "custom");
        snprintf(l->description, sizeof l->description, "defined inline");
    }
    s->have_link = 1;
    if (!cJSON_IsObject(v))
        return SIM_OK;
    return apply_ref_keys(a, jpath, v, link_keys, l, NULL, l, err);
}

/* "cell": a catalog name, or an object: a catalog "name" with overrides,
 * or "uplink" and "downlink" inline (a "name" then only labels it); and
 * "count", the cells the devices are dealt to. */
static enum sim_status hook_cell(const struct scn_apply *a, const struct scn_field *f,
                                 const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct scn_scenario *s = scenario_of(a);
    struct mdl_cell *c = &s->in.cell;
    char sub[160], path[4096];
    const cJSON *name = NULL;
    enum sim_status st = ref_name(a, jpath, v, &name, sub, sizeof sub, err);
    if (st != SIM_OK)
        return st;
    const int inline_rates = cJSON_IsObject(v) &&
                             cJSON_GetObjectItemCaseSensitive(v, "uplink") != NULL &&
                             cJSON_GetObjectItemCaseSensitive(v, "downlink") != NULL;
    const int64_t count = c->present ? c->count : 1;
    if (name != NULL && !inline_rates) {
        struct sim_err why;
        if (scn_catalog_cell_load(scn_catalog_path(SCN_CAT_CELL, path, sizeof path),
                                  name->valuestring, c, &why) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "%s: %s: %s, or give \"uplink\" and "
                               "\"downlink\" inline", a->file, jpath, why.msg);
        c->count = count;
        note(a, sub);
    } else if (inline_rates) {
        memset(c, 0, sizeof *c);
        c->present = 1;
        c->count = count;
        snprintf(c->name, sizeof c->name, "%s", name != NULL ? name->valuestring : "custom");
        snprintf(c->description, sizeof c->description, "defined inline");
        if (name != NULL)
            note(a, sub);
    } else if (!c->present) {
        return sim_err_set(err, SIM_EINVAL, "%s: %s: give a cell catalog name, or \"uplink\" "
                           "and \"downlink\" inline", a->file, jpath);
    }
    if (!cJSON_IsObject(v))
        return SIM_OK;
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, v)
    {
        snprintf(sub, sizeof sub, "%s.%s", jpath, it->string);
        if (strcmp(it->string, "name") == 0)
            continue;
        if (strcmp(it->string, "count") == 0) {
            const struct scn_field cf = {"count", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL,
                                         SCN_NO_DEST, 8, 0, 0, NULL};
            double x = 0.0;
            if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble))
                return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an integer >= 1",
                                   a->file, sub);
            st = scn_schema_number(a->file, sub, &cf, it, &x, err);
            if (st != SIM_OK)
                return st;
            c->count = (int64_t)x;
            note(a, sub);
            continue;
        }
        const int up = strcmp(it->string, "uplink") == 0;
        if (!up && strcmp(it->string, "downlink") != 0) {
            static const char *const names[] = {"name", "uplink", "downlink", "count", NULL};
            const char *near = scn_json_suggest(it->string, names);
            return sim_err_set(err, SIM_EINVAL, "%s: %s: unknown key%s%s%s", a->file, sub,
                               near ? " (did you mean '" : "", near ? near : "",
                               near ? "'?)" : "");
        }
        const struct scn_field qf = {it->string, SCN_F_QTY, SCN_Q_BANDWIDTH, NULL, 0, BIG, 1,
                                     NULL, SCN_NO_DEST, 8, 0, 0, NULL};
        double x = 0.0;
        st = scn_schema_number(a->file, sub, &qf, it, &x, err);
        if (st != SIM_OK)
            return st;
        overridden(a, up ? &c->uplink_Bps : &c->downlink_Bps, x);
        note(a, sub);
    }
    return SIM_OK;
}

/* "speculative.draft": an LLM catalog name, or "prompt-lookup". */
static enum sim_status hook_draft(const struct scn_apply *a, const struct scn_field *f,
                                  const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct scn_scenario *s = scenario_of(a);
    enum sim_status st = need_string(a, jpath, v, err);
    if (st != SIM_OK)
        return st;
    snprintf(s->in.spec_draft_name, sizeof s->in.spec_draft_name, "%s", v->valuestring);
    s->in.plan.spec_lookup = strcmp(v->valuestring, "prompt-lookup") == 0;
    struct sim_err why;
    if (!s->in.plan.spec_lookup &&
        scn_llm_load(v->valuestring, &s->in.plan.spec_draft, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: %s, or \"prompt-lookup\"", a->file, jpath,
                           why.msg);
    note(a, jpath);
    return SIM_OK;
}

// ---- the table ----

#define S(m) offsetof(struct scn_scenario, m)
#define COST_SIDE(side)                                                                        \
    {                                                                                          \
        {"method", SCN_F_ENUM, 0, mdl_cost_method_names, 0, 0, 0, NULL,                        \
         S(in.cost[side].method), 4, 0, 0, NULL},                                              \
        {"compute_efficiency", SCN_F_NUM, 0, NULL, 0, 1, 1, NULL,                              \
         S(in.cost[side].compute_efficiency), 8, 0, 1, NULL},                                  \
        {"memory_efficiency", SCN_F_NUM, 0, NULL, 0, 1, 1, NULL,                               \
         S(in.cost[side].memory_efficiency), 8, 0, 1, NULL},                                   \
        {"stage_overhead", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 3600, 0, NULL,                      \
         S(in.cost[side].stage_overhead_s), 8, 0, 0, NULL},                                    \
        {"precision", SCN_F_ENUM, 0, mdl_precision_names, 0, 0, 0, NULL,                       \
         S(in.precision[side]), 4, 0, MDL_FP16, NULL},                                         \
        {"calibration_scope", SCN_F_ENUM, 0, mdl_calibration_scope_names, 0, 0, 0, NULL,       \
         S(scope[side]), 4, 0, MDL_SCOPE_CATALOG, NULL},                                       \
        SCN_END,                                                                               \
    }

static const struct scn_field cost_edge_fields[] = COST_SIDE(0);
static const struct scn_field cost_cloud_fields[] = COST_SIDE(1);

static const struct scn_field cost_fields[] = {
    {"edge", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_edge_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"cloud", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_cloud_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    SCN_END,
};

#define LENGTH_FIELDS(m)                                                                       \
    {                                                                                          \
        {"dist", SCN_F_ENUM, 0, mdl_length_dist_names, 0, 0, 0, NULL, S(m.dist), 4, 1, 0,      \
         NULL},                                                                                \
        {"min", SCN_F_NUM, 0, NULL, 1, 1e7, 0, NULL, S(m.min), 8, 0, 0, NULL},                 \
        {"max", SCN_F_NUM, 0, NULL, 1, 1e7, 0, NULL, S(m.max), 8, 0, 0, NULL},                 \
        {"median", SCN_F_NUM, 0, NULL, 1, 1e7, 0, NULL, S(m.median), 8, 0, 0, NULL},           \
        {"p99", SCN_F_NUM, 0, NULL, 1, 1e7, 0, NULL, S(m.p99), 8, 0, 0, NULL},                 \
        SCN_END,                                                                               \
    }

static const struct scn_field prompt_dist_fields[] = LENGTH_FIELDS(in.workload.prompt_dist);
static const struct scn_field new_dist_fields[] = LENGTH_FIELDS(in.workload.new_dist);

static const struct scn_field workload_fields[] = {
    {"phase", SCN_F_ENUM, 0, ref_phase_names, 0, 0, 0, NULL, S(in.workload.phase), 4, 1, 0,
     NULL},
    {"prompt_tokens", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, S(in.workload.prompt_tokens), 8, 1,
     0, NULL},
    {"new_tokens", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, S(in.workload.new_tokens), 8, 1, 0,
     NULL},
    {"batch", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL, S(in.workload.batch), 8, 1, 0, NULL},
    {"devices", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, S(in.workload.devices), 8, 0, 1, NULL},
    {"arrival", SCN_F_ENUM, 0, mdl_arrival_names, 0, 0, 0, NULL, S(in.workload.arrival), 4, 0,
     MDL_ARRIVAL_AT_START, NULL},
    {"rate", SCN_F_QTY, SCN_Q_RATE, NULL, 0, 1e9, 1, NULL, S(in.workload.rate_per_s), 8, 0, 0,
     NULL},
    {"requests", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, S(in.workload.requests), 8, 0, 1, NULL},
    {"think", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 1e7, 0, NULL, S(in.workload.think_s), 8, 0, 0,
     NULL},
    {"prompt_dist", SCN_F_OBJECT, 0, NULL, 0, 0, 0, prompt_dist_fields, SCN_NO_DEST, 0, 0, 0,
     NULL},
    {"new_dist", SCN_F_OBJECT, 0, NULL, 0, 0, 0, new_dist_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"trace", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, S(trace_file), 1024, 0, 0, NULL},
    SCN_END,
};

static const struct scn_field serving_fields[] = {
    {"scheduler", SCN_F_ENUM, 0, mdl_scheduler_names, 0, 0, 0, NULL, S(in.serving.scheduler), 4,
     0, MDL_SCHED_CONTINUOUS, NULL},
    {"max_batch", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, S(in.serving.max_batch), 8, 0, 0, NULL},
    SCN_END,
};

static const struct scn_field backhaul_fields[] = {
    {"bandwidth", SCN_F_QTY, SCN_Q_BANDWIDTH, NULL, 0, BIG, 1, NULL,
     S(in.backhaul.bandwidth_Bps), 8, 0, 0, NULL},
    {"latency", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 3600, 0, NULL, S(in.backhaul.latency_s), 8, 0, 0,
     NULL},
    SCN_END,
};

static const struct scn_field slo_fields[] = {
    {"ttft", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 1e7, 1, NULL, S(in.slo.ttft_s), 8, 0, 0, NULL},
    {"tpot", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 1e7, 1, NULL, S(in.slo.tpot_s), 8, 0, 0, NULL},
    SCN_END,
};

static const struct scn_field accounting_fields[] = {
    {"naive_up", SCN_F_ENUM, 0, ref_naive_up_names, 0, 0, 0, NULL, S(in.plan.naive_up_qkv), 4,
     0, 0, NULL},
    {"downlink", SCN_F_ENUM, 0, mdl_downlink_names, 0, 0, 0, NULL, S(in.downlink_counted), 4, 0,
     1, NULL},
    SCN_END,
};

static const struct scn_field speculative_fields[] = {
    {"k", SCN_F_INT, 0, NULL, 1, 64, 0, NULL, S(in.plan.spec_k), 8, 1, 0, NULL},
    {"draft", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_draft},
    {"acceptance", SCN_F_NUM, 0, NULL, 0, 1, 0, NULL, S(in.spec_acceptance), 8, 1, 0, NULL},
    SCN_END,
};

static const struct scn_field top_fields[] = {
    {"extends", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, NULL},
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, S(in.description),
     (int)sizeof((struct mdl_input *)0)->description, 0, 0, NULL},
    {"model", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_model},
    {"mode", SCN_F_ENUM, 0, ref_mode_names, 0, 0, 0, NULL, S(in.plan.mode), 4, 1, 0, NULL},
    {"rank", SCN_F_INT, 0, NULL, 0, 1e6, 0, NULL, S(rank), 8, 0, 0, NULL},
    {"rank_c2d", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL, S(in.plan.rank_c2d), 8, 0, 0, NULL},
    {"rank_d2c", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL, S(in.plan.rank_d2c), 8, 0, 0, NULL},
    {"adapted_layers", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, hook_layers},
    {"first_k", SCN_F_INT, 0, NULL, 0, REF_MAX_LAYERS, 0, NULL, S(in.plan.first_k), 8, 0, 0,
     NULL},
    {"edge_weight_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL, S(in.plan.weight_bits[0]), 8, 1,
     16, NULL},
    {"cloud_weight_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL, S(in.plan.weight_bits[1]), 8, 1,
     16, NULL},
    {"adapter_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL, S(in.plan.adapter_bits), 8, 0, 16,
     NULL},
    {"kv_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL, S(in.plan.kv_bits), 8, 0, 16, NULL},
    {"transfer", SCN_F_ENUM, 0, ref_transfer_names, 0, 0, 0, NULL, S(in.plan.transfer), 4, 1,
     REF_DTYPE_FP16, NULL},
    {"timing", SCN_F_ENUM, 0, ref_timing_names, 0, 0, 0, NULL, S(in.plan.overlap), 4, 1, 0,
     NULL},
    {"edge", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_device},
    {"cloud", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_device},
    {"cloud_gpus", SCN_F_INT, 0, NULL, 1, 1e5, 0, NULL, S(in.cloud_gpus), 8, 0, 1, NULL},
    {"link", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_link},
    {"workload", SCN_F_OBJECT, 0, NULL, 0, 0, 0, workload_fields, SCN_NO_DEST, 0, 1, 0, NULL},
    {"cell", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, hook_cell},
    {"backhaul", SCN_F_OBJECT, 0, NULL, 0, 0, 0, backhaul_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"serving", SCN_F_OBJECT, 0, NULL, 0, 0, 0, serving_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"slo", SCN_F_OBJECT, 0, NULL, 0, 0, 0, slo_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"cost", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_fields, SCN_NO_DEST, 0, 0, 0, NULL},
    {"accounting", SCN_F_OBJECT, 0, NULL, 0, 0, 0, accounting_fields, SCN_NO_DEST, 0, 0, 0,
     NULL},
    {"seed", SCN_F_INT, 0, NULL, 0, 9007199254740992.0, 0, NULL, S(in.seed), 8, 0, 0, NULL},
    {"speculative", SCN_F_OBJECT, 0, NULL, 0, 0, 0, speculative_fields, SCN_NO_DEST, 0, 0, 0,
     NULL},
    SCN_END,
};

// ---- the chain ----

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Where a scenario name leads: target as given (relative to the
 * directory of file, the one that names it, when file is not NULL); else,
 * for a bare name, the preset of that name, with or without ".json". */
static void scenario_path(const char *file, const char *target, char *out, size_t cap)
{
    const char *slash = file != NULL ? strrchr(file, '/') : NULL;
    if (target[0] == '/' || slash == NULL)
        snprintf(out, cap, "%s", target);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - file), file, target);
    if (exists(out) || strchr(target, '/') != NULL)
        return;
    char preset[4200];
    snprintf(preset, sizeof preset, "%s/%s", scn_presets_dir(), target);
    if (!exists(preset))
        snprintf(preset, sizeof preset, "%s/%s.json", scn_presets_dir(), target);
    if (exists(preset))
        snprintf(out, cap, "%s", preset);
}

/* Reads file and, through `extends`, its ancestors into roots[] at the
 * chain's indices (the file at s->n_chain on entry). */
static enum sim_status read_chain(struct scn_scenario *s, const char *file, cJSON **roots,
                                  struct sim_err *err)
{
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
    enum sim_status st = scn_json_read_file(file, &roots[idx], err);
    if (st != SIM_OK) {
        if (idx > 0 && strcmp(s->chain[idx - 1], "(command line)") != 0) {
            struct sim_err why = *err; // say who asked for the missing file
            sim_err_set(err, st, "%s: $.extends: %s", s->chain[idx - 1], why.msg);
        }
        return st;
    }
    if (!cJSON_IsObject(roots[idx]))
        return sim_err_set(err, SIM_EINVAL, "%s: $: expected an object, found %s", file,
                           scn_json_type_name(roots[idx]));
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(roots[idx], "extends");
    if (ext == NULL)
        return SIM_OK;
    if (!cJSON_IsString(ext) || ext->valuestring[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, "%s: $.extends: expected a file name, found %s",
                           file, scn_json_type_name(ext));
    char parent[2048];
    scenario_path(file, ext->valuestring, parent, sizeof parent);
    return read_chain(s, parent, roots, err);
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

// ---- cross-field rules, once every file is applied ----

/* The file that set jpath, for cross-field errors; the loaded file when
 * nothing recorded it. */
static const char *where(const struct scn_scenario *s, const char *jpath)
{
    const char *o = scn_scenario_origin(s, jpath);
    return o != NULL ? o : s->path;
}

static int was_set(const struct scn_scenario *s, const char *jpath)
{
    return scn_origins_find(&s->origins, jpath) >= 0;
}

static enum sim_status finish_ranks(struct scn_scenario *s, struct sim_err *err)
{
    struct ref_plan_opts *o = &s->in.plan;
    if (!was_set(s, "$.rank_c2d"))
        o->rank_c2d = s->rank;
    if (!was_set(s, "$.rank_d2c"))
        o->rank_d2c = s->rank;
    const int needs = o->mode == REF_MODE_NAIVE_SPLIT || o->mode == REF_MODE_PRIVATELORA ||
                      o->mode == REF_MODE_PL_FIRST_K;
    if (needs && (o->rank_c2d < 1 || o->rank_d2c < 1))
        return sim_err_set(err, SIM_EINVAL, "%s: $.rank: mode %s needs a rank >= 1 (or rank_c2d "
                           "and rank_d2c)", where(s, "$.rank"), ref_mode_name(o->mode));
    const int64_t dim = s->in.model.dim;
    const int c2d = o->rank_c2d > dim;
    if (c2d || o->rank_d2c > dim) {
        const char *key = c2d ? (was_set(s, "$.rank_c2d") ? "rank_c2d" : "rank")
                              : (was_set(s, "$.rank_d2c") ? "rank_d2c" : "rank");
        char jpath[32];
        snprintf(jpath, sizeof jpath, "$.%s", key);
        return sim_err_set(err, SIM_EINVAL, "%s: %s: rank %lld is larger than the width %lld "
                           "of %s", where(s, jpath), jpath,
                           (long long)(c2d ? o->rank_c2d : o->rank_d2c), (long long)dim,
                           s->in.model_name);
    }
    return SIM_OK;
}

static enum sim_status finish_layers(struct scn_scenario *s, struct sim_err *err)
{
    struct ref_plan_opts *o = &s->in.plan;
    o->adapt_all = s->n_layers < 0;
    memset(o->adapted, 0, sizeof o->adapted);
    for (int i = 0; i < s->n_layers; i++) {
        if (s->layers[i] >= s->in.model.n_layers)
            return sim_err_set(err, SIM_EINVAL, "%s: $.adapted_layers[%d]: layer %lld does not "
                               "exist; %s has layers 0..%lld", where(s, "$.adapted_layers"), i,
                               (long long)s->layers[i], s->in.model_name,
                               (long long)s->in.model.n_layers - 1);
        o->adapted[s->layers[i]] = 1;
    }
    if (o->mode == REF_MODE_PL_FIRST_K && !was_set(s, "$.first_k"))
        return sim_err_set(err, SIM_EINVAL, "%s: $.first_k: missing; mode %s needs it",
                           s->path, ref_mode_name(o->mode));
    if (o->first_k > s->in.model.n_layers)
        return sim_err_set(err, SIM_EINVAL, "%s: $.first_k: %lld exceeds the %lld layers of %s",
                           where(s, "$.first_k"), (long long)o->first_k,
                           (long long)s->in.model.n_layers, s->in.model_name);
    return SIM_OK;
}

/* file's name relative to the directory of the file that set jpath. */
static void relative_to_setter(const struct scn_scenario *s, const char *jpath, const char *file,
                               char *out, size_t cap)
{
    const char *setter = where(s, jpath);
    const char *slash = strrchr(setter, '/');
    if (file[0] == '/' || slash == NULL || strcmp(setter, "(command line)") == 0)
        snprintf(out, cap, "%s", file);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - setter), setter, file);
}

/* Reads the link trace link.trace names, relative to the file that names
 * it: a CSV of time_s, uplink_Mbps, downlink_Mbps and rtt_ms, or a
 * G-NetTrack log (trace_format); the link's rates and RTT become those in
 * force at the trace's start. */
static enum sim_status finish_link_trace(struct scn_scenario *s, struct sim_err *err)
{
    struct mdl_link *l = &s->in.link;
    if (l->trace[0] == '\0')
        return SIM_OK;
    const char *file = where(s, "$.link.trace");
    char path[sizeof s->link_trace.path];
    relative_to_setter(s, "$.link.trace", l->trace, path, sizeof path);
    struct mdl_link_trace tr;
    struct sim_err why;
    if (scn_link_trace_read(path, l->trace_gnettrack, &tr, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: $.link.trace: %s", file, why.msg);
    free(s->link_trace.rows);
    s->link_trace = tr;
    l->trace_rows = &s->link_trace;
    struct mdl_link_sample *sched = NULL;
    int64_t m = 0;
    double period = 0.0;
    mdl_link_schedule(l, &sched, &m, &period);
    const struct mdl_link_sample *at0 = &sched[0];
    struct mdl_fact *facts[3] = {&l->uplink_Bps, &l->downlink_Bps, &l->rtt_s};
    const double vals[3] = {at0->uplink_Bps, at0->downlink_Bps, at0->rtt_s};
    for (int i = 0; i < 3; i++) {
        facts[i]->value = vals[i];
        facts[i]->present = 1;
        facts[i]->kind = MDL_KIND_MEASURED;
        snprintf(facts[i]->source, sizeof facts[i]->source, "the trace %s at its start", path);
    }
    free(sched);
    return SIM_OK;
}

/* Reads the arrival trace workload.trace names, relative to the file
 * that names it: a CSV of arrival_s, prompt_tokens and new_tokens. */
static enum sim_status finish_trace(struct scn_scenario *s, struct sim_err *err)
{
    if (s->trace_file[0] == '\0')
        return SIM_OK;
    const char *file = where(s, "$.workload.trace");
    char path[sizeof s->trace.path];
    relative_to_setter(s, "$.workload.trace", s->trace_file, path, sizeof path);
    struct mdl_request_trace tr;
    struct sim_err why;
    if (scn_request_trace_read(path, &tr, &why) != SIM_OK)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload.trace: %s", file, why.msg);
    free(s->trace.rows);
    s->trace = tr;
    s->in.workload.trace = &s->trace;
    return SIM_OK;
}

static enum sim_status finish_workload(struct scn_scenario *s, struct sim_err *err)
{
    const struct mdl_workload *w = &s->in.workload;
    // the prefill makes the first token and the last needs no position
    const int64_t context = w->prompt_tokens + mdl_input_steps(&s->in) - 1;
    if (context > s->in.model.seq_len)
        return sim_err_set(err, SIM_EINVAL, "%s: $.workload: prompt_tokens + new_tokens - 1 = "
                           "%lld exceeds the %lld-token context of %s", where(s, "$.workload"),
                           (long long)context, (long long)s->in.model.seq_len,
                           s->in.model_name);
    struct ref_plan_opts *o = &s->in.plan;
    o->phase = REF_PHASE_PREFILL;
    o->n_tokens = w->prompt_tokens;
    o->batch = w->batch;
    o->pos = 0;
    return SIM_OK;
}

/* Scale of a calibrated side from the device's measured entry. */
static enum sim_status calibrate_side(struct scn_scenario *s, int side,
                                      const struct mdl_device *d, struct sim_err *err)
{
    const double bits = s->in.plan.weight_bits[side];
    const char *sname = side == REF_EDGE ? "edge" : "cloud";
    const struct mdl_measured *m = mdl_device_find_measured(d, s->in.model_name, bits,
                                                            REF_PHASE_DECODE);
    if (m == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s.method: calibrated needs a measured "
                           "decode throughput of %s at %g-bit weights on %s, and the catalog "
                           "has none", s->path, sname, s->in.model_name, bits, d->name);
    // The measured setting: the whole model on that side, one decode step
    // at the context the measurement states. The scale is the device's,
    // fixed once: a scenario's prompt or output length does not re-fit it.
    struct ref_plan_opts o = s->in.plan;
    o.mode = side == REF_EDGE ? REF_MODE_DEVICE_ONLY : REF_MODE_CLOUD_ONLY;
    o.phase = REF_PHASE_DECODE;
    o.n_tokens = 1;
    o.batch = 1;
    o.spec_k = 0; // the measurement is plain decoding
    o.all_logits = 0;
    o.pos = (int64_t)m->context_tokens.value;
    if (o.pos >= s->in.model.seq_len)
        return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s: the measurement's context of %lld "
                           "tokens does not fit %s's %lld", s->path, sname, (long long)o.pos,
                           s->in.model_name, (long long)s->in.model.seq_len);
    const int decoder_only = s->scope[side] == MDL_SCOPE_CATALOG ? m->decoder_only
                                                                 : s->scope[side] ==
                                                                       MDL_SCOPE_DECODER;
    struct ref_plan *p = NULL;
    struct sim_err why;
    enum sim_status st = ref_plan_build(&s->in.model, &o, &p, &why);
    if (st == SIM_OK)
        st = mdl_cost_calibrate(&s->in.cost[side], p, (enum ref_place)side, decoder_only,
                                m->tokens_per_s.value, &why);
    ref_plan_destroy(p);
    if (st != SIM_OK)
        return sim_err_set(err, st, "%s: $.cost.%s: %s", s->path, sname, why.msg);
    return SIM_OK;
}

/* Fills each side's cost model from its device and options. */
static enum sim_status finish_costs(struct scn_scenario *s, struct sim_err *err)
{
    for (int side = 0; side < 2; side++) {
        struct mdl_device *d = side == REF_EDGE ? &s->in.edge : &s->in.cloud;
        const char *sname = side == REF_EDGE ? "edge" : "cloud";
        struct mdl_cost *k = &s->in.cost[side];
        const enum mdl_precision prec = s->in.precision[side];
        if (s->dev[side].peak.present) // a scenario's peak is the cost precision's
            d->peak_dense_flop_per_s[prec] = s->dev[side].peak;
        if (!d->peak_dense_flop_per_s[prec].present)
            return sim_err_set(err, SIM_EINVAL, "%s: $.cost.%s.precision: %s lists no dense %s "
                               "peak; choose another precision or set $.%s.peak_flops", s->path,
                               sname, d->name, mdl_precision_name(prec), sname);
        k->scale = 1.0;
        // efficiencies: the scenario's, else the catalog entry's, else peak
        char jpath[64];
        snprintf(jpath, sizeof jpath, "$.cost.%s.memory_efficiency", sname);
        if (!was_set(s, jpath) && d->memory_efficiency.present)
            k->memory_efficiency = d->memory_efficiency.value;
        snprintf(jpath, sizeof jpath, "$.cost.%s.compute_efficiency", sname);
        if (!was_set(s, jpath) && d->compute_efficiency.present)
            k->compute_efficiency = d->compute_efficiency.value;
        snprintf(jpath, sizeof jpath, "$.cost.%s.stage_overhead", sname);
        if (!was_set(s, jpath) && d->stage_overhead_s.present)
            k->stage_overhead_s = d->stage_overhead_s.value;
        if (!(k->memory_efficiency > 0.0 && k->memory_efficiency <= 1.0) ||
            !(k->compute_efficiency > 0.0 && k->compute_efficiency <= 1.0))
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s: efficiencies must be in (0, 1]",
                               s->path, sname);
        k->peak_flop_per_s = d->peak_dense_flop_per_s[prec].value;
        k->mem_bw_Bps = d->mem_bw_Bps.value;
        if (!(k->peak_flop_per_s > 0.0) || !(k->mem_bw_Bps > 0.0))
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s: peak FLOPS and memory bandwidth must "
                               "be positive", s->path, sname);
        if (k->method == MDL_COST_CALIBRATED) {
            // a side the mode does not use need not be calibratable: its
            // cost stays unknown (a NaN scale) and a mode that needs it is
            // refused by mdl_input_check
            struct sim_err why;
            const enum sim_status st = calibrate_side(s, side, d, &why);
            if (st != SIM_OK && mdl_input_uses_side(&s->in, side)) {
                *err = why;
                return st;
            }
            if (st != SIM_OK)
                k->scale = NAN;
        }
    }
    return SIM_OK;
}

static enum sim_status finish_link(const struct scn_scenario *s, struct sim_err *err)
{
    static const char *const need[] = {"uplink", "downlink", "rtt"};
    const struct mdl_fact *facts[] = {&s->in.link.uplink_Bps, &s->in.link.downlink_Bps,
                                      &s->in.link.rtt_s};
    for (int i = 0; i < 3; i++)
        if (!facts[i]->present)
            return sim_err_set(err, SIM_EINVAL, "%s: $.link.%s: missing; an inline link without "
                               "a catalog name needs uplink, downlink and rtt", s->path, need[i]);
    return SIM_OK;
}

static enum sim_status finish(struct scn_scenario *s, struct sim_err *err)
{
    enum sim_status st = scn_schema_missing(top_fields, &s->origins, "$", s->path, err);
    if (st == SIM_OK)
        st = finish_ranks(s, err);
    if (st == SIM_OK)
        st = finish_layers(s, err);
    if (st == SIM_OK)
        st = finish_trace(s, err);
    if (st == SIM_OK)
        st = finish_workload(s, err);
    if (st == SIM_OK)
        st = finish_link(s, err);
    if (st == SIM_OK)
        st = finish_link_trace(s, err);
    s->in.backhaul.present = s->in.backhaul.bandwidth_Bps > 0.0 || s->in.backhaul.latency_s > 0.0;
    if (st == SIM_OK)
        st = finish_costs(s, err);
    if (st != SIM_OK)
        return st;
    // the last check is the simulator's own: what loads is what runs
    snprintf(s->in.origin, sizeof s->in.origin, "%s", s->path);
    return mdl_input_check(&s->in, err);
}

// ---- loading ----

enum sim_status scn_scenario_load(const char *path, scn_scenario_t **out, struct sim_err *err)
{
    return scn_scenario_load_with(path, NULL, 0, out, err);
}

enum sim_status scn_scenario_load_with(const char *path, const char *const *overrides,
                                       int n_overrides, scn_scenario_t **out,
                                       struct sim_err *err)
{
    int unfit = 0;
    const enum sim_status st = scn_scenario_load_study(path, overrides, n_overrides, out,
                                                       &unfit, err);
    if (st == SIM_OK && unfit) {
        // say again why: the study load kept the scenario
        scn_scenario_destroy(*out);
        *out = NULL;
        return SIM_ERANGE;
    }
    return st;
}

enum sim_status scn_scenario_load_study(const char *path, const char *const *overrides,
                                        int n_overrides, scn_scenario_t **out, int *unfit,
                                        struct sim_err *err)
{
    *unfit = 0;
    *out = NULL;
    struct scn_scenario *s = sim_xcalloc(1, sizeof *s);
    cJSON *roots[MAX_CHAIN] = {NULL};
    snprintf(s->path, sizeof s->path, "%s", path);
    enum sim_status st = SIM_OK;
    if (n_overrides > 0) { // the command line is the nearest "file": its values win
        snprintf(s->chain[0], sizeof s->chain[0], "(command line)");
        s->chain_ptrs[0] = s->chain[0];
        s->n_chain = 1;
        roots[0] = overrides_object(overrides, n_overrides, err);
        st = roots[0] != NULL ? SIM_OK : SIM_EINVAL;
    }
    char first[2048];
    scenario_path(NULL, path, first, sizeof first); // a file, or a preset's bare name
    if (st == SIM_OK)
        st = read_chain(s, first, roots, err);
    // defaults first, then every file from the base to the command line
    ref_plan_opts_default(&s->in.plan);
    scn_schema_defaults(top_fields, s);
    s->n_layers = -1;
    for (int i = s->n_chain - 1; i >= 0 && st == SIM_OK; i--) {
        const struct scn_apply a = {.file = s->chain[i], .file_idx = i, .origins = &s->origins,
                                    .target = s};
        st = scn_schema_apply(&a, "$", top_fields, roots[i], err);
    }
    if (st == SIM_OK)
        st = finish(s, err);
    if (st == SIM_ERANGE) { // valid, but a side cannot hold its part: err says why
        *unfit = 1;
        st = SIM_OK;
    }
    for (int i = 0; i < MAX_CHAIN; i++)
        cJSON_Delete(roots[i]);
    if (st != SIM_OK) {
        scn_scenario_destroy(s); // with what it read (traces)
        return st;
    }
    *out = s;
    return SIM_OK;
}

void scn_scenario_destroy(scn_scenario_t *s)
{
    if (s != NULL) {
        free(s->trace.rows);
        free(s->link_trace.rows);
    }
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
