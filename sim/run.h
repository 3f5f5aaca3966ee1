/*
 * sim/run: one simulation of a scenario in SimGrid.
 *
 * Each device runs its sequences' prefill, then new_tokens - 1 decode
 * steps (the prefill yields the first token). Every step replays the
 * accounting plan: an edge actor on the device's host and a cloud actor
 * on its GPU host walk the plan's stages in order; each compute stage is
 * an execution lasting the cost model's time, each message a SimGrid
 * communication of exactly its bytes on the cell uplink or downlink.
 * Sends are asynchronous and receives are posted as soon as the walk
 * reaches them, so a stage waits exactly for the stages it depends on.
 *
 * SimGrid's engine lives once per process, so sim_run forks: the child
 * simulates and returns the result through a pipe; the parent never
 * initialises SimGrid and can run many simulations.
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include "models/input.h"
#include "sim/result.h"
#include "util/status.h"

#define SIM_MAX_CFG 16

struct sim_run_opts {
    const char *platform_path; /* where the platform XML is written and kept;
                                  NULL: a private temporary, removed once loaded */
    const char *cfg[SIM_MAX_CFG]; /* extra SimGrid arguments, "--cfg=..." or "--log=..." */
    int n_cfg;
    int trace;                 /* 1: return every stage's timing (events, in a
                                  file: sim_result's events_path) */
    int64_t trace_first;       /* the devices traced: trace_count from trace_first */
    int64_t trace_count;       /* 0: every device from trace_first */
    int progress;              /* 1: the simulation prints its progress on stderr
                                  (steps done, elapsed, ETA) once past a second */
};

/* SIM_EINVAL (one line in err) when SimGrid refuses the extra --cfg or
 * --log arguments of o; sim_run_start checks this too. */
enum sim_status sim_run_check_opts(const struct sim_run_opts *o, struct sim_err *err);

/* Runs the simulation of in (resolved by scenarios/, or varied through
 * the setters of models/input) in a child process and fills *out (free
 * with sim_result_free). SIM_EINVAL when mdl_input_check refuses the
 * input (err says what), SIM_EIO when the child failed. */
enum sim_status sim_run(const struct mdl_input *in, const struct sim_run_opts *o,
                        struct sim_result *out, struct sim_err *err);

/* A simulation running in a child process. */
struct sim_job {
    int pid;         /* child process */
    int fd;          /* read end of its result pipe */
    char spool[400]; /* the trace's events, as the child writes them; "" if none */
};

/* Starts the simulation in a child and returns at once; finish it with
 * sim_run_finish. Errors as sim_run. */
enum sim_status sim_run_start(const struct mdl_input *in, const struct sim_run_opts *o,
                              struct sim_job *job, struct sim_err *err);

/* Waits for a started job and fills *out. */
enum sim_status sim_run_finish(struct sim_job *job, struct sim_result *out,
                               struct sim_err *err);

/* The network model in force for these options into buf, e.g. "CM02,
 * cross-traffic off, TCP-gamma 1e30 (no window limit)"; returns buf. */
const char *sim_run_network_model(const struct sim_run_opts *o, char *buf, size_t cap);

#endif
