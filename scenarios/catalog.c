/*
 * scenarios/catalog: reading the sourced hardware catalogs. See catalog.h.
 */
#include "scenarios/catalog.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/llm.h"
#include "scenarios/json.h"
#include "scenarios/units.h"

const char *scn_catalog_noun(enum scn_catalog c)
{
    switch (c) {
    case SCN_CAT_EDGE: return "edge device";
    case SCN_CAT_GPU: return "cloud GPU";
    case SCN_CAT_LINK: return "link";
    case SCN_CAT_COUNT: break;
    }
    return "?";
}

const char *scn_catalog_path(enum scn_catalog c, char *buf, size_t cap)
{
    static const char *const files[SCN_CAT_COUNT] = {"edge.json", "gpu.json", "link.json"};
    snprintf(buf, cap, "%s/%s", mdl_catalog_dir(), files[c]);
    return buf;
}

/* Rejects keys of obj that are not in allowed (NULL-terminated). */
static enum sim_status only_keys(const char *file, const char *jpath, const cJSON *obj,
                                 const char *const *allowed, struct sim_err *err)
{
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, obj)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL && !ok; a++)
            ok = strcmp(it->string, *a) == 0;
        if (!ok) {
            const char *near = scn_json_suggest(it->string, allowed);
            return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: unknown key%s%s%s", file, jpath,
                               it->string, near ? " (did you mean '" : "", near ? near : "",
                               near ? "'?)" : "");
        }
    }
    return SIM_OK;
}

/* A required string member of obj, or SIM_EINVAL naming it. */
static enum sim_status need_string(const char *file, const char *jpath, const cJSON *obj,
                                   const char *key, const char **out, struct sim_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: missing; expected a string", file,
                           jpath, key);
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
        return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: expected a non-empty string, found %s",
                           file, jpath, key, scn_json_type_name(v));
    *out = v->valuestring;
    return SIM_OK;
}

/* A fact object {value, kind, source} of quantity q (extra keys allowed
 * are listed in more, NULL-terminated, or NULL). */
static enum sim_status parse_fact(const char *file, const char *jpath, const cJSON *obj,
                                  enum scn_quantity q, const char *const *more,
                                  struct mdl_fact *out, struct sim_err *err)
{
    static const char *const base[] = {"value", "kind", "source", NULL};
    const char *allowed[8] = {"value", "kind", "source", NULL};
    int n = 3;
    for (const char *const *m = more; m != NULL && *m != NULL && n < 7; m++)
        allowed[n++] = *m;
    allowed[n] = NULL;
    (void)base;
    if (!cJSON_IsObject(obj))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object {\"value\", \"kind\", "
                           "\"source\"}, found %s", file, jpath, scn_json_type_name(obj));
    enum sim_status st = only_keys(file, jpath, obj, allowed, err);
    const char *kind = NULL, *source = NULL;
    if (st == SIM_OK)
        st = need_string(file, jpath, obj, "kind", &kind, err);
    if (st == SIM_OK)
        st = need_string(file, jpath, obj, "source", &source, err);
    if (st != SIM_OK)
        return st;
    memset(out, 0, sizeof *out);
    if (strcmp(kind, "spec") == 0)
        out->kind = MDL_KIND_SPEC;
    else if (strcmp(kind, "measured") == 0)
        out->kind = MDL_KIND_MEASURED;
    else if (strcmp(kind, "assumed") == 0)
        out->kind = MDL_KIND_ASSUMED;
    else
        return sim_err_set(err, SIM_EINVAL, "%s: %s.kind: expected spec, measured or assumed, "
                           "found '%s'", file, jpath, kind);
    snprintf(out->source, sizeof out->source, "%s", source);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "value");
    struct sim_err why;
    if (cJSON_IsNumber(v)) {
        out->value = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        if (scn_units_parse(v->valuestring, q, &out->value, &why) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "%s: %s.value: %s", file, jpath, why.msg);
    } else {
        return sim_err_set(err, SIM_EINVAL, "%s: %s.value: expected %s such as %s, found %s",
                           file, jpath, scn_quantity_name(q), scn_quantity_example(q),
                           scn_json_type_name(v));
    }
    if (!isfinite(out->value) || out->value < 0.0)
        return sim_err_set(err, SIM_EINVAL, "%s: %s.value: expected a finite value >= 0", file,
                           jpath);
    out->present = 1;
    return SIM_OK;
}

static enum sim_status parse_precision(const char *file, const char *jpath, const char *s,
                                       enum mdl_precision *out, struct sim_err *err)
{
    for (int p = 0; p < MDL_PREC_COUNT; p++)
        if (strcmp(s, mdl_precision_name((enum mdl_precision)p)) == 0) {
            *out = (enum mdl_precision)p;
            return SIM_OK;
        }
    return sim_err_set(err, SIM_EINVAL, "%s: %s.precision: expected fp32, fp16, bf16, int8 or "
                       "int4, found '%s'", file, jpath, s);
}

static enum sim_status parse_peaks(const char *file, const char *jpath, const cJSON *arr,
                                   struct mdl_device *d, struct sim_err *err)
{
    static const char *const more[] = {"precision", "sparsity", NULL};
    if (!cJSON_IsArray(arr))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an array of peak entries, found %s",
                           file, jpath, scn_json_type_name(arr));
    int i = 0, dense = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, arr)
    {
        char p[256];
        snprintf(p, sizeof p, "%s[%d]", jpath, i++);
        struct mdl_fact f;
        const char *prec = NULL, *sparsity = NULL;
        enum mdl_precision pr = MDL_FP32;
        enum sim_status st = parse_fact(file, p, e, SCN_Q_FLOPS, more, &f, err);
        if (st == SIM_OK)
            st = need_string(file, p, e, "precision", &prec, err);
        if (st == SIM_OK)
            st = need_string(file, p, e, "sparsity", &sparsity, err);
        if (st == SIM_OK)
            st = parse_precision(file, p, prec, &pr, err);
        if (st != SIM_OK)
            return st;
        if (strcmp(sparsity, "dense") == 0) {
            d->peak_dense_flop_per_s[pr] = f;
            dense++;
        } else if (strcmp(sparsity, "sparse") == 0) {
            d->peak_sparse_flop_per_s[pr] = f;
        } else {
            return sim_err_set(err, SIM_EINVAL, "%s: %s.sparsity: expected dense or sparse, "
                               "found '%s'", file, p, sparsity);
        }
    }
    if (dense == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: needs at least one dense peak", file, jpath);
    return SIM_OK;
}

static enum sim_status parse_measured(const char *file, const char *jpath, const cJSON *arr,
                                      struct mdl_device *d, struct sim_err *err)
{
    static const char *const keys[] = {"model", "weight_bits", "phase", "batch", "scope",
                                       "throughput", NULL};
    if (!cJSON_IsArray(arr))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an array, found %s", file, jpath,
                           scn_json_type_name(arr));
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, arr)
    {
        char p[256];
        snprintf(p, sizeof p, "%s[%d]", jpath, d->n_measured);
        if (d->n_measured == MDL_MAX_MEASURED)
            return sim_err_set(err, SIM_EINVAL, "%s: %s: more than %d measured entries", file, p,
                               MDL_MAX_MEASURED);
        struct mdl_measured *m = &d->measured[d->n_measured];
        const char *model = NULL, *phase = NULL;
        enum sim_status st = cJSON_IsObject(e) ? only_keys(file, p, e, keys, err)
                                               : sim_err_set(err, SIM_EINVAL,
                                                             "%s: %s: expected an object", file, p);
        if (st == SIM_OK)
            st = need_string(file, p, e, "model", &model, err);
        if (st == SIM_OK)
            st = need_string(file, p, e, "phase", &phase, err);
        if (st != SIM_OK)
            return st;
        const cJSON *wb = cJSON_GetObjectItemCaseSensitive(e, "weight_bits");
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(e, "batch");
        if (!cJSON_IsNumber(wb) || !(wb->valuedouble > 0) || !cJSON_IsNumber(b) ||
            b->valuedouble < 1 || floor(b->valuedouble) != b->valuedouble)
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected weight_bits > 0 and an integer "
                               "batch >= 1", file, p);
        if (ref_phase_parse(phase, &m->phase) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "%s: %s.phase: expected prefill or decode, found "
                               "'%s'", file, p, phase);
        char tp[300];
        snprintf(tp, sizeof tp, "%s.throughput", p);
        st = parse_fact(file, tp, cJSON_GetObjectItemCaseSensitive(e, "throughput"), SCN_Q_RATE,
                        NULL, &m->tokens_per_s, err);
        if (st != SIM_OK)
            return st;
        const char *scope = "model";
        if (cJSON_HasObjectItem(e, "scope") &&
            need_string(file, p, e, "scope", &scope, err) != SIM_OK)
            return SIM_EINVAL;
        if (strcmp(scope, "model") != 0 && strcmp(scope, "decoder") != 0)
            return sim_err_set(err, SIM_EINVAL, "%s: %s.scope: expected model or decoder, found "
                               "'%s'", file, p, scope);
        m->decoder_only = strcmp(scope, "decoder") == 0;
        snprintf(m->model, sizeof m->model, "%s", model);
        m->weight_bits = wb->valuedouble;
        m->batch = (int64_t)b->valuedouble;
        d->n_measured++;
    }
    return SIM_OK;
}

enum sim_status scn_catalog_parse_device(const char *file, const char *jpath,
                                         const cJSON *entry, struct mdl_device *d,
                                         struct sim_err *err)
{
    static const char *const keys[] = {"description", "memory_bandwidth", "memory_capacity",
                                       "peak_flops", "measured", NULL};
    memset(d, 0, sizeof *d);
    if (!cJSON_IsObject(entry))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object, found %s", file, jpath,
                           scn_json_type_name(entry));
    const char *desc = NULL;
    char p[300];
    enum sim_status st = only_keys(file, jpath, entry, keys, err);
    if (st == SIM_OK)
        st = need_string(file, jpath, entry, "description", &desc, err);
    if (st == SIM_OK) {
        snprintf(d->description, sizeof d->description, "%s", desc);
        snprintf(p, sizeof p, "%s.memory_bandwidth", jpath);
        st = parse_fact(file, p, cJSON_GetObjectItemCaseSensitive(entry, "memory_bandwidth"),
                        SCN_Q_BANDWIDTH, NULL, &d->mem_bw_Bps, err);
    }
    if (st == SIM_OK && cJSON_HasObjectItem(entry, "memory_capacity")) {
        snprintf(p, sizeof p, "%s.memory_capacity", jpath);
        st = parse_fact(file, p, cJSON_GetObjectItemCaseSensitive(entry, "memory_capacity"),
                        SCN_Q_BYTES, NULL, &d->mem_capacity_bytes, err);
    }
    if (st == SIM_OK) {
        snprintf(p, sizeof p, "%s.peak_flops", jpath);
        st = parse_peaks(file, p, cJSON_GetObjectItemCaseSensitive(entry, "peak_flops"), d, err);
    }
    if (st == SIM_OK && cJSON_HasObjectItem(entry, "measured")) {
        snprintf(p, sizeof p, "%s.measured", jpath);
        st = parse_measured(file, p, cJSON_GetObjectItemCaseSensitive(entry, "measured"), d, err);
    }
    return st;
}

enum sim_status scn_catalog_parse_link(const char *file, const char *jpath, const cJSON *entry,
                                       struct mdl_link *l, struct sim_err *err)
{
    static const char *const keys[] = {"description", "uplink", "downlink", "rtt", "jitter",
                                       "loss", "trace", NULL};
    static const struct {
        const char *key;
        enum scn_quantity q;
        size_t off;
        int required;
    } facts[] = {
        {"uplink", SCN_Q_BANDWIDTH, offsetof(struct mdl_link, uplink_Bps), 1},
        {"downlink", SCN_Q_BANDWIDTH, offsetof(struct mdl_link, downlink_Bps), 1},
        {"rtt", SCN_Q_TIME, offsetof(struct mdl_link, rtt_s), 1},
        {"jitter", SCN_Q_TIME, offsetof(struct mdl_link, jitter_s), 0},
        {"loss", SCN_Q_RATIO, offsetof(struct mdl_link, loss), 0},
    };
    memset(l, 0, sizeof *l);
    if (!cJSON_IsObject(entry))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object, found %s", file, jpath,
                           scn_json_type_name(entry));
    const char *desc = NULL;
    enum sim_status st = only_keys(file, jpath, entry, keys, err);
    if (st == SIM_OK)
        st = need_string(file, jpath, entry, "description", &desc, err);
    if (st != SIM_OK)
        return st;
    snprintf(l->description, sizeof l->description, "%s", desc);
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, facts[i].key);
        if (v == NULL && !facts[i].required)
            continue;
        char p[300];
        snprintf(p, sizeof p, "%s.%s", jpath, facts[i].key);
        st = parse_fact(file, p, v, facts[i].q, NULL,
                        (struct mdl_fact *)((char *)l + facts[i].off), err);
        if (st != SIM_OK)
            return st;
    }
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(entry, "trace");
    if (tr != NULL) {
        if (!cJSON_IsString(tr))
            return sim_err_set(err, SIM_EINVAL, "%s: %s.trace: expected a file name", file, jpath);
        snprintf(l->trace, sizeof l->trace, "%s", tr->valuestring);
    }
    return SIM_OK;
}

/* Looks name up in the catalog tree; fills a suggestion on a miss. */
static const cJSON *lookup(const char *path, enum scn_catalog c, const cJSON *root,
                           const char *name, struct sim_err *err)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, name);
    if (e != NULL)
        return e;
    const char *names[128];
    char known[1024] = "";
    size_t n = 0, used = 0;
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, root)
    {
        if (n < 127)
            names[n++] = it->string;
        used += (size_t)snprintf(known + used, used < sizeof known ? sizeof known - used : 0,
                                 "%s%s", used ? ", " : "", it->string);
        if (used >= sizeof known)
            used = sizeof known - 1;
    }
    names[n] = NULL;
    const char *near = scn_json_suggest(name, names);
    sim_err_set(err, SIM_EINVAL, "unknown %s '%s' in %s%s%s%s (known: %s)", scn_catalog_noun(c),
                name, path, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "",
                known);
    return NULL;
}

static enum sim_status load_entry(const char *path, enum scn_catalog c, const char *name,
                                  void *out, struct sim_err *err)
{
    cJSON *root = NULL;
    enum sim_status st = scn_json_read_file(path, &root, err);
    if (st != SIM_OK)
        return st;
    const cJSON *e = cJSON_IsObject(root) ? lookup(path, c, root, name, err) : NULL;
    if (!cJSON_IsObject(root))
        st = sim_err_set(err, SIM_EINVAL, "%s: $: expected an object of named entries", path);
    else if (e == NULL)
        st = SIM_EINVAL;
    else {
        char jpath[128];
        snprintf(jpath, sizeof jpath, "$.%s", name);
        if (c == SCN_CAT_LINK) {
            st = scn_catalog_parse_link(path, jpath, e, out, err);
            snprintf(((struct mdl_link *)out)->name, sizeof ((struct mdl_link *)out)->name, "%s",
                     name);
        } else {
            st = scn_catalog_parse_device(path, jpath, e, out, err);
            snprintf(((struct mdl_device *)out)->name, sizeof ((struct mdl_device *)out)->name,
                     "%s", name);
        }
    }
    cJSON_Delete(root);
    return st;
}

enum sim_status scn_catalog_device_load(const char *path, enum scn_catalog c, const char *name,
                                        struct mdl_device *out, struct sim_err *err)
{
    return load_entry(path, c, name, out, err);
}

enum sim_status scn_catalog_link_load(const char *path, const char *name, struct mdl_link *out,
                                      struct sim_err *err)
{
    return load_entry(path, SCN_CAT_LINK, name, out, err);
}

enum sim_status scn_catalog_check_file(const char *path, enum scn_catalog c, int *n_entries,
                                       struct sim_err *err)
{
    *n_entries = 0;
    cJSON *root = NULL;
    enum sim_status st = scn_json_read_file(path, &root, err);
    if (st != SIM_OK)
        return st;
    if (!cJSON_IsObject(root))
        st = sim_err_set(err, SIM_EINVAL, "%s: $: expected an object of named entries", path);
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, root)
    {
        if (st != SIM_OK)
            break;
        char jpath[128];
        snprintf(jpath, sizeof jpath, "$.%s", e->string);
        struct mdl_device d;
        struct mdl_link l;
        st = c == SCN_CAT_LINK ? scn_catalog_parse_link(path, jpath, e, &l, err)
                               : scn_catalog_parse_device(path, jpath, e, &d, err);
        (*n_entries)++;
    }
    cJSON_Delete(root);
    return st;
}
