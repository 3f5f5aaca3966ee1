/*
 * models/requests: the requests a run serves, resolved from its input
 * before it starts: for each device, in order, when each request arrives
 * and how long its prompt and its output are. The estimate of a run's
 * work and the simulation read the same table.
 *
 * - Lengths are the workload's fixed prompt_tokens and new_tokens, or
 *   drawn (GSL's MT19937, seeded from the run's seed) from prompt_dist
 *   and new_dist, request by request, device by device.
 * - Arrivals: at-start gives every device's first request t = 0 and
 *   leaves the later ones to the closed loop (NaN here: the previous
 *   request's end plus the think time, known only as the run goes);
 *   poisson draws one process of the workload's rate over all devices
 *   and deals its requests to the devices in turn; trace deals the rows
 *   of the arrival trace to the devices in turn (row j to device
 *   j mod devices), which may leave devices with one request fewer.
 */
#ifndef MODELS_REQUESTS_H
#define MODELS_REQUESTS_H

#include <stdint.h>

#include "models/input.h"

struct mdl_request {
    double arrival_s;      /* NaN: the closed loop decides (at-start, after the first) */
    int64_t prompt_tokens; /* per sequence */
    int64_t new_tokens;    /* per sequence; 1 for a prefill-only workload */
};

struct mdl_requests {
    int64_t n_dev;
    int64_t *first;          /* n_dev + 1: device d's requests are [first[d], first[d+1]) */
    struct mdl_request *req; /* n */
    int64_t n;
    int64_t max_prompt_tokens, max_new_tokens;
};

/* Resolves in's requests into *out (free with mdl_requests_free). */
void mdl_requests_build(const struct mdl_input *in, struct mdl_requests *out);

void mdl_requests_free(struct mdl_requests *r);

/* The largest prompt and output a request of in can have: the fixed
 * lengths, a distribution's max, or the trace's largest. */
int64_t mdl_input_max_prompt_tokens(const struct mdl_input *in);
int64_t mdl_input_max_new_tokens(const struct mdl_input *in);

/* The requests in makes in all: devices x requests, or the trace's rows. */
int64_t mdl_input_n_requests(const struct mdl_input *in);

/* SIM_EINVAL with "ORIGIN: $.workload.KEY: ..." when a length
 * distribution is malformed (uniform needs 1 <= min <= max; lognormal a
 * median >= 1, a p99 above it and a max >= the median). */
enum sim_status mdl_input_check_lengths(const struct mdl_input *in, struct sim_err *err);

#endif
