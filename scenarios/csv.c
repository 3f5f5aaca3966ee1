/*
 * scenarios/csv: numeric CSV files. See csv.h.
 */
#include "scenarios/csv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS 64

/* Splits line in place at commas into at most MAX_COLUMNS trimmed fields. */
static int split(char *line, char **field)
{
    int n = 0;
    for (char *p = line;;) {
        while (isspace((unsigned char)*p))
            p++;
        char *end = strchr(p, ',');
        char *stop = end != NULL ? end : p + strlen(p);
        while (stop > p && isspace((unsigned char)stop[-1]))
            stop--;
        if (n < MAX_COLUMNS)
            field[n] = p;
        n++;
        *stop = '\0';
        if (end == NULL)
            return n;
        p = end + 1;
    }
}

static int blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

enum sim_status scn_csv_each(const char *path, const char *const *want, int n_want,
                             int64_t max_rows, scn_csv_row_fn fn, void *ctx, struct sim_err *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return sim_err_set(err, SIM_EINVAL, "%s: cannot read (%s)", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    char *field[MAX_COLUMNS];
    const char *row[MAX_COLUMNS];
    int col[MAX_COLUMNS];
    int64_t lineno = 0, rows = 0;
    enum sim_status st = SIM_OK;
    // the header: where each wanted column is
    while (getline(&line, &cap, f) >= 0 && (++lineno, blank(line)))
        ;
    if (lineno == 0 || line == NULL || blank(line)) {
        st = sim_err_set(err, SIM_EINVAL, "%s: empty; expected a header line naming the columns",
                         path);
        goto done;
    }
    const int n_head = split(line, field);
    for (int j = 0; j < n_want && st == SIM_OK; j++) {
        col[j] = -1;
        for (int i = 0; i < n_head && i < MAX_COLUMNS; i++)
            if (strcmp(field[i], want[j]) == 0)
                col[j] = i;
        if (col[j] < 0)
            st = sim_err_set(err, SIM_EINVAL, "%s:%lld: no column \"%s\" in the header",
                             path, (long long)lineno, want[j]);
    }
    while (st == SIM_OK && getline(&line, &cap, f) >= 0) {
        lineno++;
        if (blank(line))
            continue;
        if (rows >= max_rows) {
            st = sim_err_set(err, SIM_EINVAL, "%s:%lld: more than %lld rows, plsim's bound",
                             path, (long long)lineno, (long long)max_rows);
            break;
        }
        const int nf = split(line, field);
        for (int j = 0; j < n_want && st == SIM_OK; j++) {
            if (col[j] >= nf)
                st = sim_err_set(err, SIM_EINVAL, "%s:%lld: %d fields, and column \"%s\" is "
                                 "field %d", path, (long long)lineno, nf, want[j], col[j] + 1);
            else
                row[j] = field[col[j]];
        }
        if (st == SIM_OK)
            st = fn(ctx, path, lineno, row, err);
        rows++;
    }
    if (st == SIM_OK && rows == 0)
        st = sim_err_set(err, SIM_EINVAL, "%s: a header and no rows", path);
done:
    free(line);
    fclose(f);
    return st;
}

/* scn_csv_read's rows: numbers into a growing array. */
struct numbers {
    const char *const *want;
    int n_want;
    double *v;
    int64_t n, cap;
};

static enum sim_status number_row(void *ctx, const char *path, int64_t lineno,
                                  const char *const *field, struct sim_err *err)
{
    struct numbers *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap > 0 ? 2 * x->cap : 1024;
        x->v = sim_xrealloc(x->v, (size_t)x->cap * (size_t)x->n_want * sizeof *x->v);
    }
    for (int j = 0; j < x->n_want; j++) {
        char *end = NULL;
        errno = 0;
        const double v = strtod(field[j], &end);
        if (end == field[j] || *end != '\0' || errno != 0 || !isfinite(v))
            return sim_err_set(err, SIM_EINVAL, "%s:%lld: column \"%s\": expected a finite "
                               "number, found \"%s\"", path, (long long)lineno, x->want[j],
                               field[j]);
        x->v[x->n * x->n_want + j] = v;
    }
    x->n++;
    return SIM_OK;
}

enum sim_status scn_csv_read(const char *path, const char *const *want, int n_want,
                             int64_t max_rows, double **rows, int64_t *n, struct sim_err *err)
{
    struct numbers x = {.want = want, .n_want = n_want};
    const enum sim_status st = scn_csv_each(path, want, n_want, max_rows, number_row, &x, err);
    if (st != SIM_OK) {
        free(x.v);
        *rows = NULL;
        *n = 0;
        return st;
    }
    *rows = x.v;
    *n = x.n;
    return SIM_OK;
}
