/*
 * analysis/slurm: a sweep as a Slurm job array. See slurm.h.
 */
#include "analysis/slurm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "analysis/batch.h"
#include "analysis/text.h"
#include "scenarios/json.h"
#include "util/afile.h"
#include "util/cleanup.h"

#define DEFAULT_ARRAY 1000 /* tasks when --array-size is not given */

/* dir/name into buf. */
static const char *in_dir(char *buf, size_t cap, const char *dir, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* A path that a shell script can hold in single quotes. */
static enum sim_status quotable(const char *what, const char *path, struct sim_err *err)
{
    if (strchr(path, '\'') != NULL || strchr(path, '\n') != NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: %s: a path with a quote or a newline cannot "
                           "go into the job script", what, path);
    return SIM_OK;
}

// ---- the folder ----

static enum sim_status write_meta(const char *dir, const struct ana_sweep *s, const char *file,
                                  const char *const *set, int n_set, const char *binary,
                                  int64_t n_points, int64_t tasks, struct sim_err *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "plsim", binary);
    cJSON_AddStringToObject(o, "scenario", file);
    cJSON *a = cJSON_AddArrayToObject(o, "set");
    for (int i = 0; i < n_set; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(set[i]));
    a = cJSON_AddArrayToObject(o, "vary");
    for (int k = 0; k < s->n_axes; k++) {
        size_t len = strlen(s->axis[k].key) + 2;
        for (int i = 0; i < s->axis[k].n; i++)
            len += strlen(s->axis[k].values[i]) + 1;
        char *spec = sim_xcalloc(len, 1);
        strcat(spec, s->axis[k].key);
        strcat(spec, "=");
        for (int i = 0; i < s->axis[k].n; i++) {
            strcat(spec, i ? "," : "");
            strcat(spec, s->axis[k].values[i]);
        }
        cJSON_AddItemToArray(a, cJSON_CreateString(spec));
        free(spec);
    }
    cJSON_AddNumberToObject(o, "points", (double)n_points);
    cJSON_AddNumberToObject(o, "array_size", (double)tasks);
    char path[4200];
    return ana_json_write(in_dir(path, sizeof path, dir, "sweep.json"), o, err);
}

static enum sim_status write_points(const char *dir, const struct ana_sweep *s,
                                    struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "points.csv", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "point");
    for (int k = 0; k < s->n_axes; k++)
        fprintf(f, ",%s", s->axis[k].key);
    fprintf(f, "\n");
    const int64_t n = ana_sweep_points(s);
    for (int64_t p = 0; p < n; p++) {
        char bufs[ANA_SWEEP_MAX_AXES][256];
        const char *ov[ANA_SWEEP_MAX_AXES];
        const int m = ana_sweep_point_overrides(s, p, bufs, ov);
        fprintf(f, "%lld", (long long)p);
        for (int k = 0; k < m; k++)
            fprintf(f, ",\"%s\"", strchr(ov[k], '=') + 1);
        fprintf(f, "\n");
    }
    return sim_afile_commit(&a, err);
}

static enum sim_status write_job(const char *dir, const char *binary, int64_t n_points,
                                 int64_t tasks, const struct ana_slurm_opts *o,
                                 struct sim_err *err)
{
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, "job.sh", err);
    if (f == NULL)
        return SIM_EIO;
    fprintf(f, "#!/bin/sh\n"
               "# plsim sweep: %lld points in an array of %lld tasks; task i runs points\n"
               "# i, i + %lld, ... and skips those already done (submit again to finish).\n"
               "#SBATCH --job-name=plsim-sweep\n"
               "#SBATCH --array=0-%lld\n"
               "#SBATCH --output=%s/logs/task-%%a.out\n",
            (long long)n_points, (long long)tasks, (long long)tasks, (long long)tasks - 1, dir);
    for (int i = 0; i < o->n_sbatch; i++)
        fprintf(f, "#SBATCH %s\n", o->sbatch[i]);
    fprintf(f, "exec '%s' sweep-task '%s' \"$SLURM_ARRAY_TASK_ID\"\n", binary, dir);
    const enum sim_status st = sim_afile_commit(&a, err);
    char path[4200];
    if (st == SIM_OK)
        chmod(in_dir(path, sizeof path, dir, "job.sh"), 0755);
    return st;
}

enum sim_status ana_slurm_write(const char *dir, const struct ana_sweep *s, const char *file,
                                const char *const *set, int n_set,
                                const struct ana_slurm_opts *o, const char *binary,
                                int64_t *tasks, struct sim_err *err)
{
    const int64_t n_points = ana_sweep_points(s);
    *tasks = o->array_size > 0 ? o->array_size : n_points;
    if (*tasks > n_points)
        *tasks = n_points;
    if (o->array_size == 0 && *tasks > DEFAULT_ARRAY)
        *tasks = DEFAULT_ARRAY;
    if (*tasks > ANA_SLURM_MAX_ARRAY)
        return sim_err_set(err, SIM_EINVAL, "--array-size: %lld tasks, above plsim's bound of "
                           "%d", (long long)*tasks, ANA_SLURM_MAX_ARRAY);
    char scenario[PATH_MAX];
    if (realpath(file, scenario) == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: %s", file, strerror(errno));
    // every point resolves before anything is written
    struct mdl_input *in = sim_xcalloc(1, sizeof *in);
    enum sim_status st = SIM_OK;
    for (int64_t p = 0; p < n_points && st == SIM_OK; p++)
        st = ana_sweep_input_at(s, scenario, set, n_set, p, in, err);
    free(in);
    if (st != SIM_OK)
        return st;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return sim_err_set(err, SIM_EIO, "%s: cannot create the folder: %s", dir,
                           strerror(errno));
    char abs[PATH_MAX], sub[4200];
    if (realpath(dir, abs) == NULL)
        return sim_err_set(err, SIM_EIO, "%s: %s", dir, strerror(errno));
    if (exists(in_dir(sub, sizeof sub, abs, "sweep.json")))
        return sim_err_set(err, SIM_EINVAL, "%s: holds a sweep already (sweep.json); gather it "
                           "or choose another folder", dir);
    st = quotable("--slurm", abs, err);
    if (st == SIM_OK)
        st = quotable("plsim", binary, err);
    for (int i = 0; i < 2 && st == SIM_OK; i++)
        if (mkdir(in_dir(sub, sizeof sub, abs, i ? "logs" : "shards"), 0777) != 0 &&
            errno != EEXIST)
            st = sim_err_set(err, SIM_EIO, "%s: %s", sub, strerror(errno));
    if (st == SIM_OK)
        st = write_points(abs, s, err);
    if (st == SIM_OK)
        st = write_job(abs, binary, n_points, *tasks, o, err);
    if (st == SIM_OK) // last: its presence says the folder is whole
        st = write_meta(abs, s, scenario, set, n_set, binary, n_points, *tasks, err);
    return st;
}

// ---- reading it back ----

struct meta {
    char scenario[PATH_MAX];
    char **set;
    int n_set;
    struct ana_sweep sweep;
    int64_t points, tasks;
};

static void meta_free(struct meta *m)
{
    for (int i = 0; i < m->n_set; i++)
        free(m->set[i]);
    free(m->set);
    ana_sweep_free(&m->sweep);
}

static enum sim_status meta_read(const char *dir, struct meta *m, struct sim_err *err)
{
    memset(m, 0, sizeof *m);
    char path[4200];
    in_dir(path, sizeof path, dir, "sweep.json");
    cJSON *o = NULL;
    if (scn_json_read_file(path, &o, err) != SIM_OK)
        return SIM_EINVAL;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(o, "scenario");
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(o, "set");
    const cJSON *vary = cJSON_GetObjectItemCaseSensitive(o, "vary");
    const cJSON *pts = cJSON_GetObjectItemCaseSensitive(o, "points");
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(o, "array_size");
    enum sim_status st = SIM_OK;
    if (!cJSON_IsString(sc) || !cJSON_IsArray(set) || !cJSON_IsArray(vary) ||
        !cJSON_IsNumber(pts) || !cJSON_IsNumber(tasks) || tasks->valuedouble < 1)
        st = sim_err_set(err, SIM_EINVAL, "%s: not a plsim sweep (expected scenario, set, vary, "
                         "points and array_size)", path);
    if (st == SIM_OK) {
        snprintf(m->scenario, sizeof m->scenario, "%s", sc->valuestring);
        m->points = (int64_t)pts->valuedouble;
        m->tasks = (int64_t)tasks->valuedouble;
        m->set = sim_xcalloc((size_t)cJSON_GetArraySize(set) + 1, sizeof *m->set);
        const cJSON *it = NULL;
        cJSON_ArrayForEach(it, set)
        {
            if (cJSON_IsString(it))
                m->set[m->n_set++] = strdup(it->valuestring);
        }
        cJSON_ArrayForEach(it, vary)
        {
            if (st == SIM_OK && cJSON_IsString(it))
                st = ana_sweep_add_axis(&m->sweep, it->valuestring, err);
        }
    }
    if (st == SIM_OK && ana_sweep_points(&m->sweep) != m->points)
        st = sim_err_set(err, SIM_EINVAL, "%s: %lld points listed, the axes make %lld", path,
                         (long long)m->points, (long long)ana_sweep_points(&m->sweep));
    cJSON_Delete(o);
    if (st != SIM_OK)
        meta_free(m);
    return st;
}

// ---- a task ----

static enum sim_status run_point(const char *dir, const struct meta *m, int64_t p,
                                 struct sim_err *err)
{
    struct mdl_input *in = sim_xcalloc(1, sizeof *in);
    enum sim_status st = ana_sweep_input_at(&m->sweep, m->scenario,
                                            (const char *const *)m->set, m->n_set, p, in, err);
    struct sim_summary sum;
    int64_t failed = -1;
    if (st == SIM_OK)
        st = ana_simulate_all(in, 1, 1, NULL, NULL, &sum, &failed, err);
    free(in);
    if (st != SIM_OK)
        return st;
    char name[64];
    snprintf(name, sizeof name, "shards/%lld.csv", (long long)p);
    struct sim_afile a;
    FILE *f = sim_afile_open_in(&a, dir, name, err);
    if (f == NULL)
        return SIM_EIO;
    ana_sweep_write_row(f, &m->sweep, p, &sum);
    return sim_afile_commit(&a, err);
}

enum sim_status ana_slurm_task(const char *dir, int64_t task, int64_t *done, int64_t *failed,
                               struct sim_err *err)
{
    *done = *failed = 0;
    struct meta m;
    enum sim_status st = meta_read(dir, &m, err);
    if (st != SIM_OK)
        return st;
    if (task < 0 || task >= m.tasks) {
        meta_free(&m);
        return sim_err_set(err, SIM_EINVAL, "task %lld: the array has tasks 0 to %lld",
                           (long long)task, (long long)m.tasks - 1);
    }
    for (int64_t p = task; p < m.points; p += m.tasks) {
        char csv[4200], bad[4200], name[64];
        snprintf(name, sizeof name, "shards/%lld.csv", (long long)p);
        in_dir(csv, sizeof csv, dir, name);
        snprintf(name, sizeof name, "shards/%lld.err", (long long)p);
        in_dir(bad, sizeof bad, dir, name);
        if (exists(csv))
            continue;
        struct sim_err why = {""};
        if (run_point(dir, &m, p, &why) == SIM_OK) {
            remove(bad);
            ++*done;
            fprintf(stderr, "sweep-task %lld: point %lld done\n", (long long)task, (long long)p);
            continue;
        }
        ++*failed;
        fprintf(stderr, "sweep-task %lld: point %lld failed: %s\n", (long long)task,
                (long long)p, why.msg);
        char text[sizeof why.msg + 2];
        snprintf(text, sizeof text, "%s\n", why.msg);
        st = sim_afile_write_text(bad, text, err);
        if (st != SIM_OK)
            break;
    }
    meta_free(&m);
    return st;
}

// ---- gather ----

/* Appends the file at path to f; 0 if it cannot be read. */
static int append(FILE *f, const char *path)
{
    struct sim_err why;
    FILE *in = sim_fopen_regular(path, &why);
    if (in == NULL)
        return 0;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, f);
    fclose(in);
    return 1;
}

enum sim_status ana_slurm_gather(const char *dir, const char *out, struct sim_err *err)
{
    struct meta m;
    enum sim_status st = meta_read(dir, &m, err);
    if (st != SIM_OK)
        return st;
    struct sim_afile a;
    st = sim_afile_open(&a, out, err);
    if (st != SIM_OK) {
        meta_free(&m);
        return st;
    }
    ana_sweep_write_header(a.f, &m.sweep);
    int64_t missing = 0, first = -1;
    char first_why[600] = "";
    for (int64_t p = 0; p < m.points; p++) {
        char path[4200], name[64];
        snprintf(name, sizeof name, "shards/%lld.csv", (long long)p);
        if (append(a.f, in_dir(path, sizeof path, dir, name)))
            continue;
        // missing: failed (its error kept) or never run
        snprintf(name, sizeof name, "shards/%lld.err", (long long)p);
        char why[512] = "not run";
        struct sim_err e;
        FILE *f = sim_fopen_regular(in_dir(path, sizeof path, dir, name), &e);
        if (f != NULL) {
            if (fgets(why, sizeof why, f) != NULL)
                why[strcspn(why, "\n")] = '\0';
            fclose(f);
        }
        fprintf(stderr, "gather: point %lld: %s\n", (long long)p, why);
        if (missing++ == 0) {
            first = p;
            snprintf(first_why, sizeof first_why, "%s", why);
        }
    }
    if (missing > 0) {
        sim_afile_abort(&a);
        st = sim_err_set(err, SIM_ERANGE, "%s: %lld of %lld points missing or failed (first: "
                         "point %lld, %s); submit the array again to run them", dir,
                         (long long)missing, (long long)m.points, (long long)first, first_why);
    } else {
        st = sim_afile_commit(&a, err);
    }
    meta_free(&m);
    return st;
}
