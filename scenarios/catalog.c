/*
 * scenarios/catalog: the sourced catalogs read through the one schema.
 * See catalog.h. Each entry kind has a field table: what its keys are,
 * their units, ranges and names, and where each value goes.
 */
#include "scenarios/catalog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/json.h"
#include "scenarios/schema.h"
#include "util/afile.h"
#include "util/paths.h"

#define BIG 1e15

const char *scn_catalog_dir(void)
{
    static char dir[4096]; // resolved once per process
    const char *env = getenv("PLSIM_MODELS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    if (dir[0] == '\0')
        snprintf(dir, sizeof dir, "%s/models", sim_data_dir());
    return dir;
}

const char *scn_catalog_noun(enum scn_catalog c)
{
    switch (c) {
    case SCN_CAT_EDGE: return "edge device";
    case SCN_CAT_GPU: return "cloud GPU";
    case SCN_CAT_LINK: return "link";
    case SCN_CAT_CELL: return "cell";
    case SCN_CAT_COUNT: break;
    }
    return "?";
}

const char *scn_catalog_path(enum scn_catalog c, char *buf, size_t cap)
{
    static const char *const files[SCN_CAT_COUNT] = {"edge.json", "gpu.json", "link.json",
                                                     "cell.json"};
    snprintf(buf, cap, "%s/%s", scn_catalog_dir(), files[c]);
    return buf;
}

// ---- the tables ----

/* One peak FLOPS entry: a fact with its precision and sparsity. */
struct peak_entry {
    struct mdl_fact fact;
    int precision; /* enum mdl_precision */
    int sparsity;  /* 0 dense, 1 sparse */
};

#define PEAK(m) offsetof(struct peak_entry, m)
static const struct scn_field peak_fields[] = {
    {"value", SCN_F_QTY, SCN_Q_FLOPS, NULL, 0, BIG * 1e6, 0, NULL, PEAK(fact.value), 8, 1, 0,
     NULL},
    {"kind", SCN_F_ENUM, 0, mdl_catalog_kind_names, 0, 0, 0, NULL, PEAK(fact.kind), 4, 1, 0,
     NULL},
    {"source", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, PEAK(fact.source),
     (int)sizeof((struct mdl_fact *)0)->source, 1, 0, NULL},
    {"precision", SCN_F_ENUM, 0, mdl_precision_names, 0, 0, 0, NULL, PEAK(precision), 4, 1, 0,
     NULL},
    {"sparsity", SCN_F_ENUM, 0, mdl_sparsity_names, 0, 0, 0, NULL, PEAK(sparsity), 4, 1, 0,
     NULL},
    SCN_END,
};

#define MEAS(m) offsetof(struct mdl_measured, m)
static const struct scn_field measured_fields[] = {
    {"model", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, MEAS(model),
     (int)sizeof((struct mdl_measured *)0)->model, 1, 0, NULL},
    {"weight_bits", SCN_F_NUM, 0, NULL, 0, 64, 1, NULL, MEAS(weight_bits), 8, 1, 0, NULL},
    {"phase", SCN_F_ENUM, 0, ref_phase_names, 0, 0, 0, NULL, MEAS(phase), 4, 1, 0, NULL},
    {"batch", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL, MEAS(batch), 8, 1, 1, NULL},
    {"scope", SCN_F_ENUM, 0, mdl_scope_names, 0, 0, 0, NULL, MEAS(decoder_only), 4, 0, 0, NULL},
    {"throughput", SCN_F_FACT, SCN_Q_RATE, NULL, 0, 0, 0, NULL, MEAS(tokens_per_s), 0, 1, 0,
     NULL},
    {"context_tokens", SCN_F_FACT, SCN_Q_TOKENS, NULL, 0, 0, 0, NULL, MEAS(context_tokens), 0,
     1, 0, NULL},
    SCN_END,
};

/* Applies each element of the array v with fields into a fresh item,
 * then hands it to take; SIM_EINVAL for a non-array. */
static enum sim_status each_item(const struct scn_apply *a, const char *jpath, const cJSON *v,
                                 const struct scn_field *fields, void *item, size_t size,
                                 enum sim_status (*take)(const struct scn_apply *a,
                                                         const char *jpath, void *item,
                                                         struct sim_err *err),
                                 struct sim_err *err)
{
    if (!cJSON_IsArray(v))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an array, found %s", a->file,
                           jpath, scn_json_type_name(v));
    int i = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, v)
    {
        char p[300];
        snprintf(p, sizeof p, "%s[%d]", jpath, i++);
        memset(item, 0, size);
        scn_schema_defaults(fields, item);
        struct scn_origins seen;
        seen.n = 0;
        const struct scn_apply in = {.file = a->file, .origins = &seen, .target = item};
        enum sim_status st = scn_schema_apply(&in, p, fields, e, err);
        if (st == SIM_OK)
            st = scn_schema_missing(fields, &seen, p, a->file, err);
        if (st == SIM_OK)
            st = take(a, p, item, err);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

static enum sim_status take_peak(const struct scn_apply *a, const char *jpath, void *item,
                                 struct sim_err *err)
{
    (void)jpath;
    (void)err;
    struct mdl_device *d = a->target;
    struct peak_entry *p = item;
    p->fact.present = 1;
    if (p->sparsity == 0)
        d->peak_dense_flop_per_s[p->precision] = p->fact;
    else
        d->peak_sparse_flop_per_s[p->precision] = p->fact;
    return SIM_OK;
}

static enum sim_status hook_peaks(const struct scn_apply *a, const struct scn_field *f,
                                  const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct peak_entry item;
    const enum sim_status st = each_item(a, jpath, v, peak_fields, &item, sizeof item, take_peak,
                                         err);
    if (st != SIM_OK)
        return st;
    const struct mdl_device *d = a->target;
    for (int p = 0; p < MDL_PREC_COUNT; p++)
        if (d->peak_dense_flop_per_s[p].present)
            return SIM_OK;
    return sim_err_set(err, SIM_EINVAL, "%s: %s: needs at least one dense peak", a->file, jpath);
}

static enum sim_status take_measured(const struct scn_apply *a, const char *jpath, void *item,
                                     struct sim_err *err)
{
    struct mdl_device *d = a->target;
    if (d->n_measured == MDL_MAX_MEASURED)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: more than %d measured entries", a->file,
                           jpath, MDL_MAX_MEASURED);
    d->measured[d->n_measured++] = *(const struct mdl_measured *)item;
    return SIM_OK;
}

static enum sim_status hook_measured(const struct scn_apply *a, const struct scn_field *f,
                                     const char *jpath, const cJSON *v, struct sim_err *err)
{
    (void)f;
    struct mdl_measured item;
    return each_item(a, jpath, v, measured_fields, &item, sizeof item, take_measured, err);
}

#define DEV(m) offsetof(struct mdl_device, m)
static const struct scn_field device_fields[] = {
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, DEV(description),
     (int)sizeof((struct mdl_device *)0)->description, 1, 0, NULL},
    {"memory_bandwidth", SCN_F_FACT, SCN_Q_BANDWIDTH, NULL, 0, 0, 0, NULL, DEV(mem_bw_Bps), 0, 1,
     0, NULL},
    {"memory_capacity", SCN_F_FACT, SCN_Q_BYTES, NULL, 0, 0, 0, NULL, DEV(mem_capacity_bytes), 0,
     0, 0, NULL},
    {"memory_efficiency", SCN_F_FACT, SCN_Q_RATIO, NULL, 0, 0, 0, NULL, DEV(memory_efficiency),
     0, 0, 0, NULL},
    {"compute_efficiency", SCN_F_FACT, SCN_Q_RATIO, NULL, 0, 0, 0, NULL,
     DEV(compute_efficiency), 0, 0, 0, NULL},
    {"peak_flops", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 1, 0, hook_peaks},
    {"measured", SCN_F_HOOK, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, hook_measured},
    {"stage_overhead", SCN_F_FACT, SCN_Q_TIME, NULL, 0, 0, 0, NULL, DEV(stage_overhead_s), 0,
     0, 0, NULL},
    {"idle_power", SCN_F_FACT, SCN_Q_POWER, NULL, 0, 0, 0, NULL, DEV(idle_power_W), 0, 0, 0,
     NULL},
    {"active_power", SCN_F_FACT, SCN_Q_POWER, NULL, 0, 0, 0, NULL, DEV(active_power_W), 0, 0, 0,
     NULL},
    {"battery", SCN_F_FACT, SCN_Q_ENERGY, NULL, 0, 0, 0, NULL, DEV(battery_J), 0, 0, 0, NULL},
    {"price", SCN_F_FACT, SCN_Q_PRICE, NULL, 0, 0, 0, NULL, DEV(price_usd_per_s), 0, 0, 0, NULL},
    SCN_END,
};

#define LNK(m) offsetof(struct mdl_link, m)
static const struct scn_field link_fields[] = {
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, LNK(description),
     (int)sizeof((struct mdl_link *)0)->description, 1, 0, NULL},
    {"uplink", SCN_F_FACT, SCN_Q_BANDWIDTH, NULL, 0, 0, 0, NULL, LNK(uplink_Bps), 0, 1, 0, NULL},
    {"downlink", SCN_F_FACT, SCN_Q_BANDWIDTH, NULL, 0, 0, 0, NULL, LNK(downlink_Bps), 0, 1, 0,
     NULL},
    {"rtt", SCN_F_FACT, SCN_Q_TIME, NULL, 0, 0, 0, NULL, LNK(rtt_s), 0, 1, 0, NULL},
    {"jitter", SCN_F_FACT, SCN_Q_TIME, NULL, 0, 0, 0, NULL, LNK(jitter_s), 0, 0, 0, NULL},
    {"loss", SCN_F_FACT, SCN_Q_RATIO, NULL, 0, 0, 0, NULL, LNK(loss), 0, 0, 0, NULL},
    {"trace", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, LNK(trace),
     (int)sizeof((struct mdl_link *)0)->trace, 0, 0, NULL},
    {"radio_base_power", SCN_F_FACT, SCN_Q_POWER, NULL, 0, 0, 0, NULL, LNK(radio.base_W), 0, 0,
     0, NULL},
    {"radio_uplink_power", SCN_F_FACT, SCN_Q_POWER_PER_RATE, NULL, 0, 0, 0, NULL,
     LNK(radio.up_J_per_B), 0, 0, 0, NULL},
    {"radio_downlink_power", SCN_F_FACT, SCN_Q_POWER_PER_RATE, NULL, 0, 0, 0, NULL,
     LNK(radio.down_J_per_B), 0, 0, 0, NULL},
    {"radio_tail_power", SCN_F_FACT, SCN_Q_POWER, NULL, 0, 0, 0, NULL, LNK(radio.tail_W), 0, 0,
     0, NULL},
    {"radio_tail", SCN_F_FACT, SCN_Q_TIME, NULL, 0, 0, 0, NULL, LNK(radio.tail_s), 0, 0, 0, NULL},
    {"radio_idle_power", SCN_F_FACT, SCN_Q_POWER, NULL, 0, 0, 0, NULL, LNK(radio.idle_W), 0, 0,
     0, NULL},
    SCN_END,
};

#define CELL(m) offsetof(struct mdl_cell, m)
static const struct scn_field cell_fields[] = {
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, CELL(description),
     (int)sizeof((struct mdl_cell *)0)->description, 1, 0, NULL},
    {"bandwidth", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, CELL(bandwidth),
     (int)sizeof((struct mdl_cell *)0)->bandwidth, 1, 0, NULL},
    {"duplex", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, CELL(duplex),
     (int)sizeof((struct mdl_cell *)0)->duplex, 1, 0, NULL},
    {"uplink", SCN_F_FACT, SCN_Q_BANDWIDTH, NULL, 0, 0, 0, NULL, CELL(uplink_Bps), 0, 1, 0, NULL},
    {"downlink", SCN_F_FACT, SCN_Q_BANDWIDTH, NULL, 0, 0, 0, NULL, CELL(downlink_Bps), 0, 1, 0,
     NULL},
    SCN_END,
};

#define CFG(m) offsetof(struct ref_config, m)
static const struct scn_field llm_fields[] = {
    {"name", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, NULL},
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, NULL},
    {"source", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, SCN_NO_DEST, 0, 0, 0, NULL},
    {"dim", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, CFG(dim), 8, 1, 0, NULL},
    {"hidden_dim", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL, CFG(hidden_dim), 8, 1, 0, NULL},
    {"n_layers", SCN_F_INT, 0, NULL, 1, REF_MAX_LAYERS, 0, NULL, CFG(n_layers), 8, 1, 0, NULL},
    {"n_heads", SCN_F_INT, 0, NULL, 1, 1e5, 0, NULL, CFG(n_heads), 8, 1, 0, NULL},
    {"n_kv_heads", SCN_F_INT, 0, NULL, 1, 1e5, 0, NULL, CFG(n_kv_heads), 8, 1, 0, NULL},
    {"vocab_size", SCN_F_INT, 0, NULL, 1, 1e8, 0, NULL, CFG(vocab_size), 8, 1, 0, NULL},
    {"seq_len", SCN_F_INT, 0, NULL, 1, 1e8, 0, NULL, CFG(seq_len), 8, 1, 0, NULL},
    {"shared_classifier", SCN_F_BOOL, 0, NULL, 0, 0, 0, NULL, CFG(shared_classifier), 4, 0, 0,
     NULL},
    {"norm_eps", SCN_F_NUM, 0, NULL, 0, 1, 1, NULL, CFG(norm_eps), 4, 0, 1e-5, NULL},
    {"rope_base", SCN_F_NUM, 0, NULL, 0, 1e9, 1, NULL, CFG(rope_base), 4, 0, 10000.0, NULL},
    SCN_END,
};

// ---- entries ----

/* Applies one entry object of a catalog with fields onto out (cleared
 * first), then checks its required keys. */
static enum sim_status parse_entry(const char *file, const char *jpath, const cJSON *entry,
                                   const struct scn_field *fields, void *out, size_t size,
                                   struct sim_err *err)
{
    memset(out, 0, size);
    scn_schema_defaults(fields, out);
    struct scn_origins seen;
    seen.n = 0;
    const struct scn_apply a = {.file = file, .origins = &seen, .target = out};
    enum sim_status st = scn_schema_apply(&a, jpath, fields, entry, err);
    if (st == SIM_OK)
        st = scn_schema_missing(fields, &seen, jpath, file, err);
    return st;
}

enum sim_status scn_catalog_parse_device(const char *file, const char *jpath,
                                         const cJSON *entry, struct mdl_device *out,
                                         struct sim_err *err)
{
    return parse_entry(file, jpath, entry, device_fields, out, sizeof *out, err);
}

enum sim_status scn_catalog_parse_link(const char *file, const char *jpath, const cJSON *entry,
                                       struct mdl_link *out, struct sim_err *err)
{
    return parse_entry(file, jpath, entry, link_fields, out, sizeof *out, err);
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
    const cJSON *e = NULL;
    if (cJSON_IsObject(root) && name == NULL) { // a file of one entry
        e = cJSON_GetArraySize(root) == 1 ? root->child : NULL;
        if (e == NULL) {
            cJSON_Delete(root);
            return sim_err_set(err, SIM_EINVAL, "%s: $: expected exactly one entry", path);
        }
        name = e->string;
    } else if (cJSON_IsObject(root)) {
        e = lookup(path, c, root, name, err);
    }
    if (!cJSON_IsObject(root))
        st = sim_err_set(err, SIM_EINVAL, "%s: $: expected an object of named entries", path);
    else if (e == NULL)
        st = SIM_EINVAL;
    else {
        char jpath[128];
        snprintf(jpath, sizeof jpath, "$.%s", name);
        if (c == SCN_CAT_LINK) {
            struct mdl_link *l = out;
            st = scn_catalog_parse_link(path, jpath, e, l, err);
            snprintf(l->name, sizeof l->name, "%s", name);
        } else if (c == SCN_CAT_CELL) {
            struct mdl_cell *cl = out;
            st = parse_entry(path, jpath, e, cell_fields, cl, sizeof *cl, err);
            snprintf(cl->name, sizeof cl->name, "%s", name);
            cl->present = 1;
            cl->count = 1;
        } else {
            struct mdl_device *d = out;
            st = scn_catalog_parse_device(path, jpath, e, d, err);
            snprintf(d->name, sizeof d->name, "%s", name);
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

enum sim_status scn_catalog_cell_load(const char *path, const char *name, struct mdl_cell *out,
                                      struct sim_err *err)
{
    return load_entry(path, SCN_CAT_CELL, name, out, err);
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
    struct mdl_device *d = sim_xcalloc(1, sizeof *d);
    struct mdl_link *l = sim_xcalloc(1, sizeof *l);
    struct mdl_cell *cl = sim_xcalloc(1, sizeof *cl);
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, root)
    {
        if (st != SIM_OK)
            break;
        char jpath[128];
        snprintf(jpath, sizeof jpath, "$.%s", e->string);
        st = c == SCN_CAT_LINK   ? scn_catalog_parse_link(path, jpath, e, l, err)
             : c == SCN_CAT_CELL ? parse_entry(path, jpath, e, cell_fields, cl, sizeof *cl, err)
                                 : scn_catalog_parse_device(path, jpath, e, d, err);
        (*n_entries)++;
    }
    free(d);
    free(l);
    free(cl);
    cJSON_Delete(root);
    return st;
}

// ---- the LLM catalog ----

enum sim_status scn_llm_load_file(const char *path, struct ref_config *cfg,
                                  struct sim_err *err)
{
    cJSON *root = NULL;
    enum sim_status st = scn_json_read_file(path, &root, err);
    if (st != SIM_OK)
        return st;
    st = parse_entry(path, "$", root, llm_fields, cfg, sizeof *cfg, err);
    struct sim_err why;
    if (st == SIM_OK && ref_config_check(cfg, &why) != SIM_OK)
        st = sim_err_set(err, SIM_EINVAL, "%s: %s", path, why.msg);
    cJSON_Delete(root);
    return st;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The catalog's model names into buf, sorted, comma-separated. */
static void list_names(const char *dir, char *buf, size_t cap)
{
    buf[0] = '\0';
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return;
    char names[64][64];
    size_t n_names = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL && n_names < 64) {
        const size_t n = strlen(de->d_name);
        if (n < 6 || n > 68 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        snprintf(names[n_names++], sizeof names[0], "%.*s", (int)(n - 5), de->d_name);
    }
    closedir(dp);
    qsort(names, n_names, sizeof names[0], cmp_names); // readdir order is arbitrary
    size_t used = 0;
    for (size_t i = 0; i < n_names; i++) {
        const int w = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

enum sim_status scn_llm_load(const char *name, struct ref_config *cfg, struct sim_err *err)
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/llm", scn_catalog_dir());
    for (const char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return sim_err_set(err, SIM_EINVAL, "model name '%s' has characters "
                               "other than letters, digits, '-', '_' and '.'", name);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    struct sim_err why;
    FILE *f = sim_fopen_regular(path, &why);
    if (f == NULL) {
        char names[1024];
        list_names(dir, names, sizeof names);
        return sim_err_set(err, SIM_EINVAL, "unknown model '%s' in %s (known: %s)", name, dir,
                           names[0] ? names : "none");
    }
    fclose(f);
    return scn_llm_load_file(path, cfg, err);
}
