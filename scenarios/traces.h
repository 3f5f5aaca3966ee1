/*
 * scenarios/traces: the CSV traces a scenario names, read and checked
 * into the plain data models/ defines:
 *  - a link trace (time_s, uplink_Mbps, downlink_Mbps, rtt_ms), or a
 *    G-NetTrack log (Timestamp YYYY.MM.DD_HH.MM.SS in UTC, UL_bitrate and
 *    DL_bitrate in kbps, PINGAVG in ms, "-" for a missing value: the last
 *    one holds, before any the first one given; rows of one second keep
 *    the last; a zero rate is refused);
 *  - an arrival trace (arrival_s, prompt_tokens, new_tokens), in order.
 * Errors name the file and the row or line.
 */
#ifndef SCENARIOS_TRACES_H
#define SCENARIOS_TRACES_H

#include "models/hw.h"
#include "models/input.h"
#include "util/status.h"

#define SCN_MAX_TRACE_ROWS 10000000 /* a trace's rows: plsim's bound */

/* Reads the link trace at path into *out (free out->rows). */
enum sim_status scn_link_trace_read(const char *path, int gnettrack, struct mdl_link_trace *out,
                                    struct sim_err *err);

/* Reads the arrival trace at path into *out (free out->rows). */
enum sim_status scn_request_trace_read(const char *path, struct mdl_request_trace *out,
                                       struct sim_err *err);

#endif
