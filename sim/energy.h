/*
 * sim/energy: what a request costs in energy, charged as its records are
 * made (internal to sim/).
 *
 * Each request of a device is charged over its own time: from its
 * arrival (or its device's previous request's end, if later) to its last
 * token. Over that window:
 *   - the phone's SoC draws its idle power, and its active power while an
 *     edge stage computes;
 *   - the phone's radio is a state machine driven by the device's
 *     transfers: base power plus a slope per throughput while a message
 *     is sent (from when it leaves) or received (its transfer before it
 *     arrives), tail power for the tail time after the last transfer, idle
 *     power after that; the tail after a request's last transfer is the
 *     request's, up to the next request's window;
 *   - the GPU draws its active power over each batch, shared among the
 *     batch's sequences (sim/run charges it as the batches end).
 * A side without a power model is NaN. The summary divides the sums by
 * the tokens made (all sequences).
 */
#ifndef SIM_ENERGY_H
#define SIM_ENERGY_H

#include <stdint.h>

#include "sim/replay.h"

/* One transfer of the phone's radio: [a_s, b_s] at power_W. */
struct energy_iv {
    double a_s, b_s, power_W;
};

/* The radio with nothing to send over [a, b] into *acc: tail power until
 * the tail after the last transfer (st->last_end_s) ends, idle power
 * after it, or nothing after it without charge_idle (between requests). */
void energy_radio_passive(const struct mdl_radio *m, const struct radio_state *st, double a,
                          double b, int charge_idle, double *acc);

/* The radio from st->cursor_s through transfers iv[0..n) (in time order)
 * into *acc: passive up to each, its power over it; moves st on. */
void energy_radio(const struct mdl_radio *m, struct radio_state *st, const struct energy_iv *iv,
                  int n, double *acc);

/* Charges step K of dev (step k of its request r, last: the request's
 * last step) to the request's record q, whose done_s is set when last. */
void energy_step(struct recorder *rc, struct device *dev, int64_t K, int64_t r, int64_t k,
                 int last, struct sim_request_record *q);

/* The summary's energy and cost per token from the request records;
 * makespan_s and cloud_energy_j already set. */
void energy_summary(const struct replay *rp, int64_t n_gpu, double price_usd_per_s,
                    double battery_J, struct sim_result *out);

#endif
