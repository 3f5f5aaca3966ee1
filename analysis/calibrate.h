/*
 * analysis/calibrate: the cost model fitted to this host's real kernels.
 *
 * The reference's own kernels (matrix-vector and small-batch matrix
 * products of 110M- to 7B-sized layers, attention at several contexts,
 * RMS norms) run on this host, each timed cold (its weights read from a
 * buffer far larger than the caches, as a model pass reads them): the
 * median of repeats. Then the roofline
 *     t = overhead + max(FLOPs / compute rate, bytes / bandwidth)
 * is fitted by least squares (GSL): each sample is put on the side of
 * the max that binds under the current rates, a linear least-squares fit
 * gives the three parameters, and the sides are re-read until they no
 * longer change. The rates are effective ones (efficiency 1).
 */
#ifndef ANALYSIS_CALIBRATE_H
#define ANALYSIS_CALIBRATE_H

#include <stdint.h>
#include <stdio.h>

#include "util/status.h"

/* One timed kernel call: its counted cost and the median time. */
struct ana_calib_sample {
    char what[48]; /* e.g. "matmul 1x4096x4096" */
    double flop, bytes, t_s;
};

struct ana_calib_fit {
    double flop_per_s; /* effective compute rate (dense fp32) */
    double Bps;        /* effective bandwidth, bytes read per second */
    double overhead_s; /* per kernel call */
    double rms_rel;    /* root mean square of the relative residuals */
    double max_rel;    /* the largest relative residual */
    int n;             /* samples fitted */
};

/* The model's time for a call of flop FLOPs reading bytes. */
double ana_calib_predict(const struct ana_calib_fit *f, double flop, double bytes);

/* Times the kernels on this host with the current OpenMP threads into
 * *samples (caller frees), *n of them; progress lines to log if not
 * NULL. quick: fewer shapes and repeats (for tests). */
enum sim_status ana_calib_measure(int quick, FILE *log, struct ana_calib_sample **samples,
                                  int *n, struct sim_err *err);

/* Fits the roofline to samples[0..n). */
enum sim_status ana_calib_fit(const struct ana_calib_sample *samples, int n,
                              struct ana_calib_fit *fit, struct sim_err *err);

/* The median wall time of one decode step of the reference's split
 * (PrivateLoRA) pass on a random checkpoint of model's shape at rank,
 * after a 1-token prefill, over steps steps; and the time the fit
 * predicts for it from the plan's compute stages (both sides: the pass
 * runs them all here, at 32-bit weights). */
enum sim_status ana_calib_check(const struct ana_calib_fit *f, const char *model, int64_t rank,
                                int64_t steps, double *measured_s, double *predicted_s,
                                struct sim_err *err);

/* Writes an edge catalog file holding one entry, name, of kind measured
 * with its provenance (CPU, threads, date, plsim version, residuals). */
enum sim_status ana_calib_write_entry(const char *path, const char *name,
                                      const struct ana_calib_fit *f, int threads,
                                      struct sim_err *err);

#endif
