/*
 * analysis/sweep: the cartesian product of varied scenario keys. Each
 * point is a set of "key=value" overrides; the CSV has one row per point
 * (the varied values, then every summary field, units in the names).
 */
#ifndef ANALYSIS_SWEEP_H
#define ANALYSIS_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "models/input.h"
#include "sim/result.h"
#include "util/status.h"

#define ANA_SWEEP_MAX_AXES 8
#define ANA_SWEEP_MAX_VALUES 64
#define ANA_SWEEP_MAX_POINTS 100000 /* a bound checked before any work */

struct ana_sweep_axis {
    char key[128];                         /* dotted scenario path, e.g. link.rtt */
    char *values[ANA_SWEEP_MAX_VALUES];    /* owned copies */
    int n;
};

struct ana_sweep {
    struct ana_sweep_axis axis[ANA_SWEEP_MAX_AXES];
    int n_axes;
};

/* Adds the axis "KEY=V1,V2,..."; SIM_EINVAL (err says why) for a
 * malformed spec, too many axes or values, or a product over the bound. */
enum sim_status ana_sweep_add_axis(struct ana_sweep *s, const char *spec, struct sim_err *err);

/* Number of points: the product of the axes' value counts. */
int64_t ana_sweep_points(const struct ana_sweep *s);

/* The overrides "KEY=VALUE" of point p, one per axis, written into
 * bufs and pointed to by ov; returns their count. */
int ana_sweep_point_overrides(const struct ana_sweep *s, int64_t p, char bufs[][256],
                              const char **ov);

/* Resolves every point of the sweep of file (with the fixed overrides
 * set[0..n_set) first, the point's values after) into in[points]: a bad
 * value fails here, before any simulation, naming the file and key. */
enum sim_status ana_sweep_inputs(const struct ana_sweep *s, const char *file,
                                 const char *const *set, int n_set, struct mdl_input *in,
                                 struct sim_err *err);

/* Point p alone, resolved exactly as ana_sweep_inputs resolves it. */
enum sim_status ana_sweep_input_at(const struct ana_sweep *s, const char *file,
                                   const char *const *set, int n_set, int64_t p,
                                   struct mdl_input *in, struct sim_err *err);

/* The CSV header and the row of point p. */
void ana_sweep_write_header(FILE *f, const struct ana_sweep *s);
void ana_sweep_write_row(FILE *f, const struct ana_sweep *s, int64_t p,
                         const struct sim_summary *sum);

/* Frees the values; the struct may be reused empty. */
void ana_sweep_free(struct ana_sweep *s);

#endif
