/*
 * scenarios/units: human unit strings <-> SI doubles. The only place in
 * plsim where "60 Mbps", "47 ms", "1.935 TB/s" or "312 TFLOPS" are
 * understood; everything past it holds SI base units (bytes, seconds,
 * flop/s, bytes/s).
 *
 * Units are case-sensitive because case carries meaning: "Mbps" is
 * megabits per second (1.25e5 B/s), "MBps" and "MB/s" megabytes per second
 * (1e6 B/s), "ms" milliseconds. SI prefixes are powers of ten, "Ki", "Mi",
 * "Gi", "Ti" powers of two. A unit of the wrong kind, or a close miss,
 * gets a message saying what was meant.
 */
#ifndef SCENARIOS_UNITS_H
#define SCENARIOS_UNITS_H

#include <stddef.h>

#include "util/status.h"

enum scn_quantity {
    SCN_Q_BANDWIDTH, /* -> bytes per second */
    SCN_Q_TIME,      /* -> seconds */
    SCN_Q_FLOPS,     /* -> floating-point operations per second */
    SCN_Q_BYTES,     /* -> bytes */
    SCN_Q_RATE,      /* -> events (tokens) per second */
    SCN_Q_RATIO,     /* -> dimensionless; "%" allowed */
    SCN_Q_TOKENS,    /* -> a count of tokens; "tokens" allowed */
    SCN_Q_POWER,     /* -> watts */
    SCN_Q_ENERGY,    /* -> joules; "Wh" allowed */
    SCN_Q_PRICE,     /* -> US dollars per second; "USD/h" */
    SCN_Q_POWER_PER_RATE, /* -> watts per byte/s of throughput (J/B); "mW/Mbps" */
    SCN_Q_COUNT
};

/* Human name of a quantity, e.g. "a bandwidth". */
const char *scn_quantity_name(enum scn_quantity q);

/* An example string of the quantity, e.g. "60 Mbps". */
const char *scn_quantity_example(enum scn_quantity q);

/* Parses "<number> <unit>" (space optional) into SI. On error returns
 * SIM_EINVAL and a message (without file or path) in err, e.g.
 * "unknown unit 'mbps' for a bandwidth (did you mean 'Mbps'?)". Values
 * must be finite; sign is not checked here. */
enum sim_status scn_units_parse(const char *text, enum scn_quantity q,
                                double *out_si, struct sim_err *err);

/* Formats an SI value with a readable unit into buf, e.g. 7.5e6 B/s ->
 * "60 Mbps"; returns buf. */
const char *scn_units_format(double si, enum scn_quantity q, char *buf,
                             size_t cap);

#endif
