/*
 * models/cost: how long a plan stage takes on a device.
 *
 * ROOFLINE: t = max(FLOPs / (peak x compute_efficiency),
 *                   bytes read / (bandwidth x memory_efficiency))
 *              + stage_overhead x the stage's parallel kernel calls,
 * where bytes read are the stage's weight bytes plus its KV-cache reads
 * and writes, and peak is a DENSE flop/s figure.
 *
 * CALIBRATED: the roofline times of every stage on that side, multiplied
 * by one scale derived from a measured throughput: scale = (1 / measured
 * tokens/s) / (roofline time of that side for the measured setting). A
 * measurement of the decoder alone (the paper's TPS_C^Decoder) is matched
 * against the decoder-layer stages only. Scenarios calibrate at their
 * mean decode context, so the mean decode step meets the measurement.
 * One measurement gives one scale per (device, model, weight bits); the
 * scale is printed with every result so no number's origin is hidden.
 *
 * A message stage has no compute cost here; links are the simulator's.
 */
#ifndef MODELS_COST_H
#define MODELS_COST_H

#include "models/hw.h"
#include "reference/accounting.h"
#include "util/status.h"

enum mdl_cost_method { MDL_COST_ROOFLINE, MDL_COST_CALIBRATED };

const char *mdl_cost_method_name(enum mdl_cost_method m); /* "roofline", "calibrated" */
extern const char *const mdl_cost_method_names[3];

/* Which stages a calibration matches against the measurement: the
 * catalog entry's scope, the whole model, or the decoder layers only. */
enum mdl_calibration_scope { MDL_SCOPE_CATALOG, MDL_SCOPE_MODEL, MDL_SCOPE_DECODER };
extern const char *const mdl_calibration_scope_names[4];

/* The cost model of one side. */
struct mdl_cost {
    enum mdl_cost_method method;
    double peak_flop_per_s;          /* dense flop/s at the compute precision */
    double mem_bw_Bps;          /* bytes/s */
    double compute_efficiency;  /* (0, 1] fraction of peak reached */
    double memory_efficiency;   /* (0, 1] fraction of bandwidth reached */
    double stage_overhead_s;    /* fixed time added per parallel kernel call of a stage
                                   (its kernel_calls: a call that starts the threads) */
    double scale;               /* 1 for roofline; measured/roofline if calibrated */
};

/* Duration of one compute stage in seconds (0 for messages). */
double mdl_cost_stage_s(const struct mdl_cost *c, const struct ref_stage *s);

/* Duration in seconds of one batch of compute stages run together on one
 * device (a GPU serving several phones at one scheduling point). Stages
 * of the same operation and layer form one kernel: its weights are read
 * once, its FLOPs and KV-cache bytes add up over the stages, and it pays
 * one stage overhead; the kernels of a batch run one after another. A
 * batch of one stage takes exactly mdl_cost_stage_s. */
double mdl_cost_batch_s(const struct mdl_cost *c, const struct ref_stage *const *stages, int n);

/* Sum of mdl_cost_stage_s over the plan's compute stages on side. */
double mdl_cost_side_s(const struct mdl_cost *c, const struct ref_plan *p,
                       enum ref_place side);

/* Sets c->method = CALIBRATED and c->scale so that the side's stages of
 * plan p (the measured setting: e.g. device-only decode of the measured
 * model at its weight bits) take 1 / tokens_per_s per token in total;
 * with decoder_only, only stages of decoder layers (layer >= 0) count.
 * SIM_EINVAL if the roofline time is zero or the rate not positive. */
enum sim_status mdl_cost_calibrate(struct mdl_cost *c, const struct ref_plan *p,
                                   enum ref_place side, int decoder_only,
                                   double tokens_per_s, struct sim_err *err);

#endif
