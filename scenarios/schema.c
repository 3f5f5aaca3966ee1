/*
 * scenarios/schema: the keys a scenario may hold, their types, units and
 * ranges, and the check of one file (or the command line's overrides)
 * against them. Errors name the file and the JSON path. See schema.h.
 */
#include "scenarios/schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reference/config.h"
#include "scenarios/json.h"
#include "scenarios/units.h"

// ---- the schema ----


static const char *const mode_choices[] = {"device-only", "cloud-only", "naive-split",
                                           "privatelora", "privatelora-first-k", NULL};
static const char *const transfer_choices[] = {"fp32", "fp16", "bf16", "int8", NULL};
static const char *const timing_choices[] = {"additive", "overlap", NULL};
static const char *const phase_choices[] = {"prefill", "decode", NULL};
static const char *const method_choices[] = {"roofline", "calibrated", NULL};
static const char *const precision_choices[] = {"fp32", "fp16", "bf16", "int8", "int4", NULL};
static const char *const naive_up_choices[] = {"d", "qkv", NULL};
static const char *const downlink_choices[] = {"counted", "ignored", NULL};
static const char *const scope_choices[] = {"catalog", "decoder", "model", NULL};

#define BIG 1e15

static const struct scn_field device_fields[] = {
    {"name", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"memory_bandwidth", SCN_F_QTY, SCN_Q_BANDWIDTH, NULL, 0, BIG, 1, NULL},
    {"memory_capacity", SCN_F_QTY, SCN_Q_BYTES, NULL, 0, BIG, 1, NULL},
    {"peak_flops", SCN_F_QTY, SCN_Q_FLOPS, NULL, 0, 1e20, 1, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const struct scn_field link_fields[] = {
    {"name", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"uplink", SCN_F_QTY, SCN_Q_BANDWIDTH, NULL, 0, BIG, 1, NULL},
    {"downlink", SCN_F_QTY, SCN_Q_BANDWIDTH, NULL, 0, BIG, 1, NULL},
    {"rtt", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 3600, 0, NULL},
    {"jitter", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 3600, 0, NULL},
    {"loss", SCN_F_QTY, SCN_Q_RATIO, NULL, 0, 0.999999, 0, NULL},
    {"trace", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const struct scn_field workload_fields[] = {
    {"phase", SCN_F_ENUM, 0, phase_choices, 0, 0, 0, NULL},
    {"prompt_tokens", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL},
    {"new_tokens", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL},
    {"batch", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL},
    {"devices", SCN_F_INT, 0, NULL, 1, 1e7, 0, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const struct scn_field cost_side_fields[] = {
    {"method", SCN_F_ENUM, 0, method_choices, 0, 0, 0, NULL},
    {"compute_efficiency", SCN_F_NUM, 0, NULL, 0, 1, 1, NULL},
    {"memory_efficiency", SCN_F_NUM, 0, NULL, 0, 1, 1, NULL},
    {"stage_overhead", SCN_F_QTY, SCN_Q_TIME, NULL, 0, 3600, 0, NULL},
    {"precision", SCN_F_ENUM, 0, precision_choices, 0, 0, 0, NULL},
    {"calibration_scope", SCN_F_ENUM, 0, scope_choices, 0, 0, 0, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const struct scn_field cost_fields[] = {
    {"edge", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_side_fields},
    {"cloud", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_side_fields},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

static const struct scn_field accounting_fields[] = {
    {"naive_up", SCN_F_ENUM, 0, naive_up_choices, 0, 0, 0, NULL},
    {"downlink", SCN_F_ENUM, 0, downlink_choices, 0, 0, 0, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

const struct scn_field scn_top_fields[] = {
    {"extends", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"description", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"model", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
    {"mode", SCN_F_ENUM, 0, mode_choices, 0, 0, 0, NULL},
    {"rank", SCN_F_INT, 0, NULL, 0, 1e6, 0, NULL},
    {"rank_c2d", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL},
    {"rank_d2c", SCN_F_INT, 0, NULL, 1, 1e6, 0, NULL},
    {"adapted_layers", SCN_F_LAYERS, 0, NULL, 0, 0, 0, NULL},
    {"first_k", SCN_F_INT, 0, NULL, 0, REF_MAX_LAYERS, 0, NULL},
    {"edge_weight_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL},
    {"cloud_weight_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL},
    {"adapter_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL},
    {"kv_bits", SCN_F_NUM, 0, NULL, 0, 32, 1, NULL},
    {"transfer", SCN_F_ENUM, 0, transfer_choices, 0, 0, 0, NULL},
    {"timing", SCN_F_ENUM, 0, timing_choices, 0, 0, 0, NULL},
    {"edge", SCN_F_REF, 0, NULL, 0, 0, 0, device_fields},
    {"cloud", SCN_F_REF, 0, NULL, 0, 0, 0, device_fields},
    {"cloud_gpus", SCN_F_INT, 0, NULL, 1, 1e5, 0, NULL},
    {"link", SCN_F_REF, 0, NULL, 0, 0, 0, link_fields},
    {"workload", SCN_F_OBJECT, 0, NULL, 0, 0, 0, workload_fields},
    {"cost", SCN_F_OBJECT, 0, NULL, 0, 0, 0, cost_fields},
    {"accounting", SCN_F_OBJECT, 0, NULL, 0, 0, 0, accounting_fields},
    {"seed", SCN_F_INT, 0, NULL, 0, 9007199254740992.0, 0, NULL},
    {NULL, SCN_F_STRING, 0, NULL, 0, 0, 0, NULL},
};

// ---- provenance ----

void scn_origins_note(struct scn_origins *o, const char *jpath, int file)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->o[i].jpath, jpath) == 0)
            return; // a file nearer the loaded one already set it
    if (o->n == SCN_MAX_ORIGINS)
        return;
    snprintf(o->o[o->n].jpath, sizeof o->o[0].jpath, "%s", jpath);
    o->o[o->n++].file = file;
}

int scn_origins_find(const struct scn_origins *o, const char *jpath)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->o[i].jpath, jpath) == 0)
            return o->o[i].file;
    return -1;
}

// ---- per-file schema check ----

/* Keys of a field table, for suggestions. */
static void field_keys(const struct scn_field *f, const char **keys, size_t cap)
{
    size_t n = 0;
    for (; f->key != NULL && n + 1 < cap; f++)
        keys[n++] = f->key;
    keys[n] = NULL;
}

static enum sim_status check_value(struct scn_origins *s, int file_idx, const char *file,
                                   const char *jpath, const struct scn_field *f, const cJSON *v,
                                   struct sim_err *err);

enum sim_status scn_schema_check_object(struct scn_origins *s, int file_idx, const char *file,
                                    const char *jpath, const struct scn_field *fields,
                                    const cJSON *obj, struct sim_err *err)
{
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, obj)
    {
        const struct scn_field *f = fields;
        while (f->key != NULL && strcmp(f->key, it->string) != 0)
            f++;
        if (f->key == NULL) {
            const char *keys[40];
            field_keys(fields, keys, 40);
            const char *near = scn_json_suggest(it->string, keys);
            return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: unknown key%s%s%s", file, jpath,
                               it->string, near ? " (did you mean '" : "", near ? near : "",
                               near ? "'?)" : "");
        }
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", jpath, it->string);
        const enum sim_status st = check_value(s, file_idx, file, sub, f, it, err);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

/* Numeric value of v (a number, or for SCN_F_QTY a unit string) in SI. */
static enum sim_status number_of(const char *file, const char *jpath, const struct scn_field *f,
                                 const cJSON *v, double *out, struct sim_err *err)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
    } else if (f->type == SCN_F_QTY && cJSON_IsString(v)) {
        struct sim_err why;
        if (scn_units_parse(v->valuestring, f->q, out, &why) != SIM_OK)
            return sim_err_set(err, SIM_EINVAL, "%s: %s: %s", file, jpath, why.msg);
    } else {
        const char *what = f->type == SCN_F_QTY ? scn_quantity_name(f->q)
                           : f->type == SCN_F_INT ? "an integer" : "a number";
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected %s%s%s, found %s", file, jpath,
                           what, f->type == SCN_F_QTY ? " such as " : "",
                           f->type == SCN_F_QTY ? scn_quantity_example(f->q) : "",
                           scn_json_type_name(v));
    }
    if (!isfinite(*out))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a finite value", file, jpath);
    return SIM_OK;
}

static enum sim_status check_range(const char *file, const char *jpath, const struct scn_field *f,
                                   double x, const cJSON *v, struct sim_err *err)
{
    const int is_int = f->type == SCN_F_INT;
    if (is_int && floor(x) != x)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an integer, found %g", file, jpath,
                           x);
    const int low = f->min_open ? !(x > f->min) : !(x >= f->min);
    if (low || x > f->max) {
        char found[128];
        if (cJSON_IsString(v))
            snprintf(found, sizeof found, "'%s'", v->valuestring);
        else
            snprintf(found, sizeof found, "%g", x);
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected %s %s %g%s, found %s", file, jpath,
                           is_int ? "an integer" : "a value", f->min_open ? ">" : ">=", f->min,
                           f->max < BIG ? " and not above the limit" : "", found);
    }
    return SIM_OK;
}

static enum sim_status check_enum(const char *file, const char *jpath, const struct scn_field *f,
                                  const cJSON *v, struct sim_err *err)
{
    char list[256] = "";
    size_t used = 0;
    for (const char *const *c = f->choices; *c != NULL; c++) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, *c) == 0)
            return SIM_OK;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
    }
    if (!cJSON_IsString(v))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected one of %s, found %s", file, jpath,
                           list, scn_json_type_name(v));
    const char *near = scn_json_suggest(v->valuestring, f->choices);
    return sim_err_set(err, SIM_EINVAL, "%s: %s: expected one of %s, found '%s'%s%s%s", file,
                       jpath, list, v->valuestring, near ? " (did you mean '" : "",
                       near ? near : "", near ? "'?)" : "");
}

static enum sim_status check_layers(const char *file, const char *jpath, const cJSON *v,
                                    struct sim_err *err)
{
    if (cJSON_IsString(v) && strcmp(v->valuestring, "all") == 0)
        return SIM_OK;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected \"all\" or a non-empty array of "
                           "layer indices, found %s", file, jpath, scn_json_type_name(v));
    int i = 0;
    const cJSON *e = NULL;
    cJSON_ArrayForEach(e, v)
    {
        if (!cJSON_IsNumber(e) || e->valuedouble < 0 || floor(e->valuedouble) != e->valuedouble ||
            e->valuedouble >= REF_MAX_LAYERS)
            return sim_err_set(err, SIM_EINVAL, "%s: %s[%d]: expected a layer index >= 0, found "
                               "%s", file, jpath, i, scn_json_type_name(e));
        i++;
    }
    return SIM_OK;
}

static enum sim_status check_value(struct scn_origins *s, int file_idx, const char *file,
                                   const char *jpath, const struct scn_field *f, const cJSON *v,
                                   struct sim_err *err)
{
    double x = 0.0;
    enum sim_status st = SIM_OK;
    switch (f->type) {
    case SCN_F_STRING:
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a non-empty string, found %s",
                               file, jpath, scn_json_type_name(v));
        break;
    case SCN_F_INT:
    case SCN_F_NUM:
    case SCN_F_QTY:
        st = number_of(file, jpath, f, v, &x, err);
        if (st == SIM_OK)
            st = check_range(file, jpath, f, x, v, err);
        break;
    case SCN_F_ENUM:
        st = check_enum(file, jpath, f, v, err);
        break;
    case SCN_F_LAYERS:
        st = check_layers(file, jpath, v, err);
        break;
    case SCN_F_REF:
        if (cJSON_IsString(v))
            break;
        __attribute__((fallthrough)); // an object of overrides
    case SCN_F_OBJECT:
        if (!cJSON_IsObject(v))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected %s, found %s", file, jpath,
                               f->type == SCN_F_REF ? "a catalog name or an object" : "an object",
                               scn_json_type_name(v));
        return scn_schema_check_object(s, file_idx, file, jpath, f->sub, v, err);
    }
    if (st == SIM_OK)
        scn_origins_note(s, jpath, file_idx);
    return st;
}

