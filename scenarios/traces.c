/*
 * scenarios/traces: the CSV traces scenarios name. See traces.h.
 */
#define _DEFAULT_SOURCE /* timegm: a G-NetTrack timestamp is UTC wall time */
#include "scenarios/traces.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenarios/csv.h"

/* A G-NetTrack log's rows as they are read: seconds since the epoch,
 * then uplink, downlink (kbps) and average ping (ms), NaN where "-". */
struct gnt_rows {
    double *v; /* 4 a row */
    int64_t n, cap;
};

static enum sim_status gnt_row(void *ctx, const char *path, int64_t lineno,
                               const char *const *field, struct sim_err *err)
{
    struct gnt_rows *x = ctx;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    char tail = '\0';
    if (sscanf(field[0], "%d.%d.%d_%d.%d.%d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail) != 6)
        return sim_err_set(err, SIM_EINVAL, "%s:%lld: Timestamp \"%s\": expected "
                           "YYYY.MM.DD_HH.MM.SS", path, (long long)lineno, field[0]);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (x->n == x->cap) {
        x->cap = x->cap > 0 ? 2 * x->cap : 1024;
        x->v = sim_xrealloc(x->v, (size_t)x->cap * 4 * sizeof *x->v);
    }
    double *r = x->v + 4 * x->n;
    r[0] = (double)timegm(&tm);
    static const char *const name[3] = {"UL_bitrate", "DL_bitrate", "PINGAVG"};
    for (int j = 0; j < 3; j++) {
        char *end = NULL;
        const double v = strtod(field[j + 1], &end);
        if (strcmp(field[j + 1], "-") == 0 || field[j + 1][0] == '\0')
            r[j + 1] = NAN; // missing: the last value holds
        else if (end == field[j + 1] || *end != '\0' || !isfinite(v) || v < 0.0)
            return sim_err_set(err, SIM_EINVAL, "%s:%lld: %s: expected a number >= 0 or \"-\", "
                               "found \"%s\"", path, (long long)lineno, name[j], field[j + 1]);
        else
            r[j + 1] = v;
    }
    x->n++;
    return SIM_OK;
}

/* The rows of a G-NetTrack log as plsim's trace columns (time_s from its
 * first row, uplink_Mbps, downlink_Mbps, rtt_ms) into *v (4 a row, free
 * it): a missing value holds the last one (or, before any, the first one
 * given); rows of one second keep the last; a zero rate, which a link
 * cannot carry, is refused. */
static enum sim_status read_gnettrack(const char *path, double **v, int64_t *n,
                                      struct sim_err *err)
{
    static const char *const cols[] = {"Timestamp", "UL_bitrate", "DL_bitrate", "PINGAVG"};
    struct gnt_rows x = {0};
    enum sim_status st = scn_csv_each(path, cols, 4, SCN_MAX_TRACE_ROWS, gnt_row, &x, err);
    for (int j = 1; j < 4 && st == SIM_OK; j++) {
        double last = NAN;
        for (int64_t i = 0; i < x.n && isnan(last); i++)
            last = x.v[4 * i + j];
        if (isnan(last))
            st = sim_err_set(err, SIM_EINVAL, "%s: column \"%s\" has no value", path, cols[j]);
        for (int64_t i = 0; i < x.n && st == SIM_OK; i++) {
            if (isnan(x.v[4 * i + j]))
                x.v[4 * i + j] = last;
            last = x.v[4 * i + j];
        }
    }
    int64_t m = 0;
    const double epoch0 = x.n > 0 ? x.v[0] : 0.0; // the first row's time: the trace's 0
    for (int64_t i = 0; i < x.n && st == SIM_OK; i++) {
        const double *r = x.v + 4 * i;
        if (i > 0 && r[0] - epoch0 < x.v[4 * (m - 1)])
            st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: the Timestamp goes back in time",
                             path, (long long)i + 1);
        else if (!(r[1] > 0.0) || !(r[2] > 0.0))
            st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: a bitrate of 0 kbps (no link to "
                             "carry a message; drop the row or give the outage as link.outages)",
                             path, (long long)i + 1);
        if (st != SIM_OK)
            break;
        const double t = r[0] - epoch0;
        if (m > 0 && x.v[4 * (m - 1)] == t)
            m--; // the same second: the last row holds
        double *o = x.v + 4 * m++;
        const double up = r[1], down = r[2], ping = r[3];
        o[0] = t;
        o[1] = up / 1e3;   // kbps -> Mbps
        o[2] = down / 1e3;
        o[3] = ping;
    }
    if (st != SIM_OK) {
        free(x.v);
        return st;
    }
    *v = x.v;
    *n = m;
    return SIM_OK;
}

enum sim_status scn_link_trace_read(const char *path, int gnettrack, struct mdl_link_trace *out,
                                    struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    static const char *const cols[] = {"time_s", "uplink_Mbps", "downlink_Mbps", "rtt_ms"};
    double *v = NULL;
    int64_t n = 0;
    enum sim_status st = gnettrack ? read_gnettrack(path, &v, &n, err)
                                   : scn_csv_read(path, cols, 4, SCN_MAX_TRACE_ROWS, &v, &n, err);
    if (st != SIM_OK)
        return st;
    struct mdl_link_sample *rows = sim_xcalloc((size_t)n, sizeof *rows);
    for (int64_t j = 0; j < n && st == SIM_OK; j++) {
        const double *r = v + 4 * j;
        rows[j] = (struct mdl_link_sample){r[0], r[1] * 1e6 / 8.0, r[2] * 1e6 / 8.0, r[3] * 1e-3};
        if (!(r[0] >= 0.0) || (j > 0 && !(r[0] > v[4 * (j - 1)])))
            st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: time_s %g is negative or not after "
                             "the row above", path, (long long)j + 1, r[0]);
        else if (!(r[1] > 0.0) || !(r[2] > 0.0) || !(r[3] >= 0.0))
            st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: expected rates > 0 Mbps and an RTT "
                             ">= 0 ms", path, (long long)j + 1);
    }
    free(v);
    if (st != SIM_OK) {
        free(rows);
        return st;
    }
    snprintf(out->path, sizeof out->path, "%s", path);
    out->rows = rows;
    out->n = n;
    return SIM_OK;
}

enum sim_status scn_request_trace_read(const char *path, struct mdl_request_trace *out,
                                       struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    static const char *const cols[] = {"arrival_s", "prompt_tokens", "new_tokens"};
    double *v = NULL;
    int64_t n = 0;
    enum sim_status st = scn_csv_read(path, cols, 3, SCN_MAX_TRACE_ROWS, &v, &n, err);
    if (st != SIM_OK)
        return st;
    struct mdl_trace_row *rows = sim_xcalloc((size_t)n, sizeof *rows);
    for (int64_t j = 0; j < n && st == SIM_OK; j++) {
        const double *r = v + 3 * j;
        rows[j] = (struct mdl_trace_row){r[0], (int64_t)r[1], (int64_t)r[2]};
        if (!(r[0] >= 0.0) || (j > 0 && r[0] < v[3 * (j - 1)]))
            st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: arrival_s %g is negative or before "
                             "the row above; rows come in order of arrival", path,
                             (long long)j + 1, r[0]);
        for (int c = 1; c < 3 && st == SIM_OK; c++)
            if (!(r[c] >= 1.0) || r[c] != floor(r[c]) || r[c] > 1e7)
                st = sim_err_set(err, SIM_EINVAL, "%s: row %lld: %s expected a whole number of "
                                 "tokens in [1, 1e7], found %g", path, (long long)j + 1, cols[c],
                                 r[c]);
    }
    free(v);
    if (st != SIM_OK) {
        free(rows);
        return st;
    }
    snprintf(out->path, sizeof out->path, "%s", path);
    out->rows = rows;
    out->n = n;
    return SIM_OK;
}
