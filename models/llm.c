/*
 * models/llm: architecture configs from JSON. See llm.h.
 */
#include "models/llm.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/paths.h"

/* Catalog files are small; anything larger is refused unread. */
#define MAX_CATALOG_BYTES (1 << 20)

const char *mdl_catalog_dir(void)
{
    static char dir[4096]; // resolved once per process
    const char *env = getenv("PLSIM_MODELS_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    if (dir[0] == '\0')
        snprintf(dir, sizeof dir, "%s/models", sim_data_dir());
    return dir;
}

/* Reads a whole small text file; caller frees. */
static enum sim_status slurp(const char *path, char **out, struct sim_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return sim_err_set(err, SIM_EIO, "%s: cannot open", path);
    char *buf = sim_xmalloc(MAX_CATALOG_BYTES + 1);
    const size_t n = fread(buf, 1, MAX_CATALOG_BYTES + 1, f);
    fclose(f);
    if (n > MAX_CATALOG_BYTES) {
        free(buf);
        return sim_err_set(err, SIM_EINVAL, "%s: larger than %d bytes", path,
                           MAX_CATALOG_BYTES);
    }
    buf[n] = '\0';
    *out = buf;
    return SIM_OK;
}

/* Reads an integer field >= 1 into *dst. */
static enum sim_status get_int(const char *path, const cJSON *item,
                               int64_t *dst, struct sim_err *err)
{
    const double v = cJSON_IsNumber(item) ? item->valuedouble : NAN;
    if (!(v >= 1.0 && v <= 1e12 && floor(v) == v))
        return sim_err_set(err, SIM_EINVAL,
                           "%s: $.%s: expected a positive integer", path,
                           item->string);
    *dst = (int64_t)v;
    return SIM_OK;
}

static enum sim_status parse_field(const char *path, const cJSON *item,
                                   struct ref_config *c, struct sim_err *err)
{
    const char *k = item->string;
    static const char *const text_keys[] = {"name", "description", "source"};
    for (size_t i = 0; i < sizeof text_keys / sizeof text_keys[0]; i++)
        if (strcmp(k, text_keys[i]) == 0)
            return cJSON_IsString(item) ? SIM_OK
                                        : sim_err_set(err, SIM_EINVAL,
                                                      "%s: $.%s: expected a string",
                                                      path, k);
    const struct {
        const char *key;
        int64_t *dst;
    } ints[] = {
        {"dim", &c->dim},           {"hidden_dim", &c->hidden_dim},
        {"n_layers", &c->n_layers}, {"n_heads", &c->n_heads},
        {"n_kv_heads", &c->n_kv_heads}, {"vocab_size", &c->vocab_size},
        {"seq_len", &c->seq_len},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(k, ints[i].key) == 0)
            return get_int(path, item, ints[i].dst, err);
    if (strcmp(k, "shared_classifier") == 0) {
        if (!cJSON_IsBool(item))
            return sim_err_set(err, SIM_EINVAL, "%s: $.%s: expected true or false",
                               path, k);
        c->shared_classifier = cJSON_IsTrue(item);
        return SIM_OK;
    }
    if (strcmp(k, "norm_eps") == 0 || strcmp(k, "rope_base") == 0) {
        if (!cJSON_IsNumber(item) || !(item->valuedouble > 0.0))
            return sim_err_set(err, SIM_EINVAL,
                               "%s: $.%s: expected a positive number", path, k);
        *(k[0] == 'n' ? &c->norm_eps : &c->rope_base) = (float)item->valuedouble;
        return SIM_OK;
    }
    return sim_err_set(err, SIM_EINVAL, "%s: $.%s: unknown key", path, k);
}

enum sim_status mdl_llm_load_file(const char *path, struct ref_config *cfg,
                                  struct sim_err *err)
{
    char *text = NULL;
    enum sim_status st = slurp(path, &text, err);
    if (st != SIM_OK)
        return st;
    memset(cfg, 0, sizeof *cfg);
    ref_config_defaults(cfg);
    cJSON *root = cJSON_Parse(text);
    if (root == NULL) {
        st = sim_err_set(err, SIM_EINVAL, "%s: invalid JSON", path);
        goto end;
    }
    if (!cJSON_IsObject(root)) {
        st = sim_err_set(err, SIM_EINVAL, "%s: $: expected an object", path);
        goto end;
    }
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, root)
    {
        st = parse_field(path, item, cfg, err);
        if (st != SIM_OK)
            goto end;
    }
    struct sim_err why;
    if (ref_config_check(cfg, &why) != SIM_OK)
        st = sim_err_set(err, SIM_EINVAL, "%s: %s", path, why.msg);
end:
    cJSON_Delete(root);
    free(text);
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

enum sim_status mdl_llm_load(const char *name, struct ref_config *cfg,
                             struct sim_err *err)
{
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/llm", mdl_catalog_dir());
    for (const char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return sim_err_set(err, SIM_EINVAL, "model name '%s' has characters "
                               "other than letters, digits, '-', '_' and '.'", name);
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        char names[1024];
        list_names(dir, names, sizeof names);
        return sim_err_set(err, SIM_EINVAL, "unknown model '%s' in %s (known: %s)", name, dir,
                           names[0] ? names : "none");
    }
    fclose(f);
    return mdl_llm_load_file(path, cfg, err);
}
