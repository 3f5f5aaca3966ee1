/*
 * scenarios/schema: applying JSON objects to structs through field
 * tables. See schema.h.
 */
#include "scenarios/schema.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "models/hw.h"
#include "scenarios/json.h"

#define BIG 1e15 /* bounds at or past this are named only to a value beyond them */

// ---- provenance ----

void scn_origins_note(struct scn_origins *o, const char *jpath, int file)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->o[i].jpath, jpath) == 0) {
            o->o[i].file = file; // files are applied base first: the nearest wins
            return;
        }
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

/* 1 when some recorded path is jpath or lies below it. */
static int origins_cover(const struct scn_origins *o, const char *jpath)
{
    const size_t n = strlen(jpath);
    for (int i = 0; i < o->n; i++)
        if (strncmp(o->o[i].jpath, jpath, n) == 0 &&
            (o->o[i].jpath[n] == '\0' || o->o[i].jpath[n] == '.' || o->o[i].jpath[n] == '['))
            return 1;
    return 0;
}

// ---- destinations ----

static void *dest(const struct scn_apply *a, const struct scn_field *f)
{
    return f->off < 0 ? NULL : (char *)a->target + f->off;
}

/* Stores an integer or enum index at its destination's width. */
static void put_int(void *p, int size, int64_t v)
{
    if (p == NULL)
        return;
    if (size == 8) {
        memcpy(p, &v, sizeof v);
    } else {
        const int i = (int)v;
        memcpy(p, &i, sizeof i);
    }
}

/* Stores a real at its destination's width. */
static void put_real(void *p, int size, double v)
{
    if (p == NULL)
        return;
    if (size == 4) {
        const float f = (float)v;
        memcpy(p, &f, sizeof f);
    } else {
        memcpy(p, &v, sizeof v);
    }
}

void scn_schema_defaults(const struct scn_field *fields, void *target)
{
    const struct scn_apply a = {.target = target};
    for (const struct scn_field *f = fields; f->key != NULL; f++) {
        void *p = dest(&a, f);
        switch (f->type) {
        case SCN_F_INT:
        case SCN_F_BOOL:
        case SCN_F_ENUM: put_int(p, f->size, (int64_t)f->dflt); break;
        case SCN_F_NUM:
        case SCN_F_QTY: put_real(p, f->size, f->dflt); break;
        case SCN_F_STRING:
            if (p != NULL)
                memset(p, 0, (size_t)f->size);
            break;
        case SCN_F_OBJECT: scn_schema_defaults(f->sub, target); break;
        case SCN_F_FACT:
        case SCN_F_HOOK: break;
        }
    }
}

// ---- checks ----

enum sim_status scn_schema_number(const char *file, const char *jpath, const struct scn_field *f,
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
    const int is_int = f->type == SCN_F_INT;
    if (is_int && floor(*out) != *out)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an integer, found %g", file, jpath,
                           *out);
    const int low = f->min_open ? !(*out > f->min) : !(*out >= f->min);
    if (low || *out > f->max) {
        char found[128];
        if (cJSON_IsString(v))
            snprintf(found, sizeof found, "'%s'", v->valuestring);
        else
            snprintf(found, sizeof found, "%g", *out);
        char upper[64] = ""; // a bound past BIG is named only to a value beyond it
        if (f->max < BIG || *out > f->max)
            snprintf(upper, sizeof upper, " and <= %g", f->max);
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected %s %s %g%s, found %s", file, jpath,
                           is_int ? "an integer" : "a value", f->min_open ? ">" : ">=", f->min,
                           upper, found);
    }
    return SIM_OK;
}

enum sim_status scn_schema_choice(const char *file, const char *jpath,
                                  const char *const *choices, const cJSON *v, int *index,
                                  struct sim_err *err)
{
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; choices[i] != NULL; i++) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, choices[i]) == 0) {
            *index = i;
            return SIM_OK;
        }
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 choices[i]);
        if (used >= sizeof list)
            used = sizeof list - 1;
    }
    if (!cJSON_IsString(v))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected one of %s, found %s", file, jpath,
                           list, scn_json_type_name(v));
    const char *near = scn_json_suggest(v->valuestring, choices);
    return sim_err_set(err, SIM_EINVAL, "%s: %s: expected one of %s, found '%s'%s%s%s", file,
                       jpath, list, v->valuestring, near ? " (did you mean '" : "",
                       near ? near : "", near ? "'?)" : "");
}

/* A catalog fact: {"value", "kind", "source"}, value of quantity f->q,
 * all three required. */
static enum sim_status apply_fact(const struct scn_apply *a, const struct scn_field *f,
                                  const char *jpath, const cJSON *v, struct sim_err *err)
{
    const struct scn_field fields[] = {
        {"value", SCN_F_QTY, f->q, NULL, 0, BIG, 0, NULL, offsetof(struct mdl_fact, value), 8,
         1, 0, NULL},
        {"kind", SCN_F_ENUM, 0, mdl_catalog_kind_names, 0, 0, 0, NULL,
         offsetof(struct mdl_fact, kind), (int)sizeof(enum mdl_kind), 1, 0, NULL},
        {"source", SCN_F_STRING, 0, NULL, 0, 0, 0, NULL, offsetof(struct mdl_fact, source),
         (int)sizeof((struct mdl_fact *)0)->source, 1, 0, NULL},
        SCN_END,
    };
    if (!cJSON_IsObject(v))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object {\"value\", \"kind\", "
                           "\"source\"}, found %s", a->file, jpath, scn_json_type_name(v));
    struct mdl_fact fact;
    memset(&fact, 0, sizeof fact);
    struct scn_origins seen; // which members were given
    seen.n = 0;
    const struct scn_apply inner = {.file = a->file, .file_idx = 0, .origins = &seen,
                                    .target = &fact};
    enum sim_status st = scn_schema_apply(&inner, jpath, fields, v, err);
    if (st == SIM_OK)
        st = scn_schema_missing(fields, &seen, jpath, a->file, err);
    if (st != SIM_OK)
        return st;
    fact.present = 1;
    if (dest(a, f) != NULL)
        memcpy(dest(a, f), &fact, sizeof fact);
    return SIM_OK;
}

static enum sim_status apply_value(const struct scn_apply *a, const char *jpath,
                                   const struct scn_field *f, const cJSON *v,
                                   struct sim_err *err)
{
    double x = 0.0;
    int idx = 0;
    enum sim_status st = SIM_OK;
    switch (f->type) {
    case SCN_F_STRING:
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected a non-empty string, found %s",
                               a->file, jpath, scn_json_type_name(v));
        if (dest(a, f) != NULL)
            snprintf(dest(a, f), (size_t)f->size, "%s", v->valuestring);
        break;
    case SCN_F_INT:
    case SCN_F_NUM:
    case SCN_F_QTY:
        st = scn_schema_number(a->file, jpath, f, v, &x, err);
        if (st == SIM_OK && f->type == SCN_F_INT)
            put_int(dest(a, f), f->size, (int64_t)x);
        else if (st == SIM_OK)
            put_real(dest(a, f), f->size, x);
        break;
    case SCN_F_BOOL:
        if (!cJSON_IsBool(v))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected true or false, found %s",
                               a->file, jpath, scn_json_type_name(v));
        put_int(dest(a, f), f->size, cJSON_IsTrue(v));
        break;
    case SCN_F_ENUM:
        st = scn_schema_choice(a->file, jpath, f->choices, v, &idx, err);
        if (st == SIM_OK)
            put_int(dest(a, f), f->size, idx);
        break;
    case SCN_F_FACT: st = apply_fact(a, f, jpath, v, err); break;
    case SCN_F_OBJECT:
        if (!cJSON_IsObject(v))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object, found %s", a->file,
                               jpath, scn_json_type_name(v));
        return scn_schema_apply(a, jpath, f->sub, v, err);
    case SCN_F_HOOK: st = f->hook(a, f, jpath, v, err); break;
    }
    if (st == SIM_OK && a->origins != NULL)
        scn_origins_note(a->origins, jpath, a->file_idx);
    return st;
}

enum sim_status scn_schema_apply(const struct scn_apply *a, const char *jpath,
                                 const struct scn_field *fields, const cJSON *obj,
                                 struct sim_err *err)
{
    if (!cJSON_IsObject(obj))
        return sim_err_set(err, SIM_EINVAL, "%s: %s: expected an object, found %s", a->file,
                           jpath, scn_json_type_name(obj));
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, obj)
    {
        for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
            if (strcmp(prev->string, it->string) == 0) // JSON allows it; it is a mistake here
                return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: duplicate key; give each key "
                                   "once", a->file, jpath, it->string);
        const struct scn_field *f = fields;
        while (f->key != NULL && strcmp(f->key, it->string) != 0)
            f++;
        if (f->key == NULL) {
            const char *keys[48];
            size_t n = 0;
            for (const struct scn_field *g = fields; g->key != NULL && n + 1 < 48; g++)
                keys[n++] = g->key;
            keys[n] = NULL;
            const char *near = scn_json_suggest(it->string, keys);
            return sim_err_set(err, SIM_EINVAL, "%s: %s.%s: unknown key%s%s%s", a->file, jpath,
                               it->string, near ? " (did you mean '" : "", near ? near : "",
                               near ? "'?)" : "");
        }
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", jpath, it->string);
        const enum sim_status st = apply_value(a, sub, f, it, err);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

/* What a missing field should have been, for the message. */
static const char *expected(const struct scn_field *f)
{
    switch (f->type) {
    case SCN_F_STRING: return "a string";
    case SCN_F_INT: return "an integer";
    case SCN_F_NUM: return "a number";
    case SCN_F_QTY: return scn_quantity_name(f->q);
    case SCN_F_BOOL: return "true or false";
    case SCN_F_ENUM: return "one of its names";
    case SCN_F_FACT: return "an object {\"value\", \"kind\", \"source\"}";
    case SCN_F_OBJECT: return "an object";
    case SCN_F_HOOK: return "a value";
    }
    return "a value";
}

enum sim_status scn_schema_missing(const struct scn_field *fields, const struct scn_origins *o,
                                   const char *jpath, const char *file, struct sim_err *err)
{
    for (const struct scn_field *f = fields; f->key != NULL; f++) {
        char sub[160];
        snprintf(sub, sizeof sub, "%s.%s", jpath, f->key);
        if (f->required && !origins_cover(o, sub))
            return sim_err_set(err, SIM_EINVAL, "%s: %s: missing; expected %s", file, sub,
                               expected(f));
        if (f->type == SCN_F_OBJECT && origins_cover(o, sub)) {
            const enum sim_status st = scn_schema_missing(f->sub, o, sub, file, err);
            if (st != SIM_OK)
                return st;
        }
    }
    return SIM_OK;
}
