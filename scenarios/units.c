/*
 * scenarios/units: unit tables and parsing. See units.h.
 */
#include "scenarios/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct unit {
    const char *name;
    double factor; /* SI per unit */
    enum scn_quantity q;
};

/* Every unit plsim understands. Bits are divided by 8 here, once. */
static const struct unit units[] = {
    // bandwidth in bits per second
    {"bps", 1.0 / 8, SCN_Q_BANDWIDTH},
    {"kbps", 1e3 / 8, SCN_Q_BANDWIDTH},
    {"Kbps", 1e3 / 8, SCN_Q_BANDWIDTH},
    {"Mbps", 1e6 / 8, SCN_Q_BANDWIDTH},
    {"Gbps", 1e9 / 8, SCN_Q_BANDWIDTH},
    {"Tbps", 1e12 / 8, SCN_Q_BANDWIDTH},
    {"bit/s", 1.0 / 8, SCN_Q_BANDWIDTH},
    {"kbit/s", 1e3 / 8, SCN_Q_BANDWIDTH},
    {"Mbit/s", 1e6 / 8, SCN_Q_BANDWIDTH},
    {"Gbit/s", 1e9 / 8, SCN_Q_BANDWIDTH},
    {"Kibps", 1024.0 / 8, SCN_Q_BANDWIDTH},
    {"Mibps", 1048576.0 / 8, SCN_Q_BANDWIDTH},
    {"Gibps", 1073741824.0 / 8, SCN_Q_BANDWIDTH},
    {"b/s", 1.0 / 8, SCN_Q_BANDWIDTH}, // a lower-case b is a bit
    {"kb/s", 1e3 / 8, SCN_Q_BANDWIDTH},
    {"Kb/s", 1e3 / 8, SCN_Q_BANDWIDTH},
    {"Mb/s", 1e6 / 8, SCN_Q_BANDWIDTH},
    {"Gb/s", 1e9 / 8, SCN_Q_BANDWIDTH},
    {"Tb/s", 1e12 / 8, SCN_Q_BANDWIDTH},
    // bandwidth in bytes per second
    {"B/s", 1.0, SCN_Q_BANDWIDTH},
    {"Bps", 1.0, SCN_Q_BANDWIDTH},
    {"kB/s", 1e3, SCN_Q_BANDWIDTH},
    {"KB/s", 1e3, SCN_Q_BANDWIDTH},
    {"KBps", 1e3, SCN_Q_BANDWIDTH},
    {"MB/s", 1e6, SCN_Q_BANDWIDTH},
    {"MBps", 1e6, SCN_Q_BANDWIDTH},
    {"GB/s", 1e9, SCN_Q_BANDWIDTH},
    {"GBps", 1e9, SCN_Q_BANDWIDTH},
    {"TB/s", 1e12, SCN_Q_BANDWIDTH},
    {"TBps", 1e12, SCN_Q_BANDWIDTH},
    {"KiB/s", 1024.0, SCN_Q_BANDWIDTH},
    {"KiBps", 1024.0, SCN_Q_BANDWIDTH},
    {"MiB/s", 1048576.0, SCN_Q_BANDWIDTH},
    {"MiBps", 1048576.0, SCN_Q_BANDWIDTH},
    {"GiB/s", 1073741824.0, SCN_Q_BANDWIDTH},
    {"GiBps", 1073741824.0, SCN_Q_BANDWIDTH},
    {"TiB/s", 1099511627776.0, SCN_Q_BANDWIDTH},
    // time
    {"ps", 1e-12, SCN_Q_TIME},
    {"ns", 1e-9, SCN_Q_TIME},
    {"us", 1e-6, SCN_Q_TIME},
    {"\xc2\xb5s", 1e-6, SCN_Q_TIME}, // micro sign
    {"ms", 1e-3, SCN_Q_TIME},
    {"s", 1.0, SCN_Q_TIME},
    {"min", 60.0, SCN_Q_TIME},
    {"h", 3600.0, SCN_Q_TIME},
    // compute rate
    {"FLOPS", 1.0, SCN_Q_FLOPS},
    {"flop/s", 1.0, SCN_Q_FLOPS},
    {"kFLOPS", 1e3, SCN_Q_FLOPS},
    {"MFLOPS", 1e6, SCN_Q_FLOPS},
    {"GFLOPS", 1e9, SCN_Q_FLOPS},
    {"TFLOPS", 1e12, SCN_Q_FLOPS},
    {"PFLOPS", 1e15, SCN_Q_FLOPS},
    {"GFLOP/s", 1e9, SCN_Q_FLOPS},
    {"TFLOP/s", 1e12, SCN_Q_FLOPS},
    {"PFLOP/s", 1e15, SCN_Q_FLOPS},
    {"Gf", 1e9, SCN_Q_FLOPS}, // SimGrid's notation
    {"Tf", 1e12, SCN_Q_FLOPS},
    // sizes
    {"B", 1.0, SCN_Q_BYTES},
    {"kB", 1e3, SCN_Q_BYTES},
    {"KB", 1e3, SCN_Q_BYTES},
    {"MB", 1e6, SCN_Q_BYTES},
    {"GB", 1e9, SCN_Q_BYTES},
    {"TB", 1e12, SCN_Q_BYTES},
    {"KiB", 1024.0, SCN_Q_BYTES},
    {"MiB", 1048576.0, SCN_Q_BYTES},
    {"GiB", 1073741824.0, SCN_Q_BYTES},
    {"TiB", 1099511627776.0, SCN_Q_BYTES},
    // rates of events
    {"/s", 1.0, SCN_Q_RATE},
    {"tokens/s", 1.0, SCN_Q_RATE},
    {"tok/s", 1.0, SCN_Q_RATE},
    {"Hz", 1.0, SCN_Q_RATE},
    {"requests/s", 1.0, SCN_Q_RATE},
    {"req/s", 1.0, SCN_Q_RATE},
    // ratios
    {"%", 0.01, SCN_Q_RATIO},
    // counts of tokens
    {"tokens", 1.0, SCN_Q_TOKENS},
    // power and energy
    {"mW", 1e-3, SCN_Q_POWER},
    {"W", 1.0, SCN_Q_POWER},
    {"kW", 1e3, SCN_Q_POWER},
    {"J", 1.0, SCN_Q_ENERGY},
    {"kJ", 1e3, SCN_Q_ENERGY},
    {"mWh", 3.6, SCN_Q_ENERGY},
    {"Wh", 3600.0, SCN_Q_ENERGY},
    {"kWh", 3.6e6, SCN_Q_ENERGY},
    // prices of time
    {"USD/h", 1.0 / 3600.0, SCN_Q_PRICE},
    {"USD/s", 1.0, SCN_Q_PRICE},
    // power per throughput (a radio's): the bits of Mbps divided by 8 once
    {"mW/Mbps", 1e-3 / (1e6 / 8), SCN_Q_POWER_PER_RATE},
    {"W/Mbps", 1.0 / (1e6 / 8), SCN_Q_POWER_PER_RATE},
    {"J/B", 1.0, SCN_Q_POWER_PER_RATE},
};

#define N_UNITS (sizeof units / sizeof units[0])

const char *scn_quantity_name(enum scn_quantity q)
{
    static const char *const names[SCN_Q_COUNT] = {
        "a bandwidth", "a duration", "a compute rate", "a size", "a rate", "a ratio",
        "a number of tokens", "a power", "an energy", "a price of time",
        "a power per throughput",
    };
    return (q >= 0 && q < SCN_Q_COUNT) ? names[q] : "?";
}

const char *scn_quantity_example(enum scn_quantity q)
{
    static const char *const ex[SCN_Q_COUNT] = {
        "'60 Mbps' or '1.935 TB/s'", "'47 ms'", "'312 TFLOPS'", "'6 GB'",
        "'8.1 tokens/s'", "'1 %' or 0.01", "'128 tokens' or 128", "'300 W'", "'16.75 Wh'",
        "'2 USD/h'", "'438.39 mW/Mbps'",
    };
    return (q >= 0 && q < SCN_Q_COUNT) ? ex[q] : "?";
}

static const struct unit *find_exact(const char *name)
{
    for (size_t i = 0; i < N_UNITS; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* A unit of quantity q equal to name ignoring case, for suggestions. */
static const struct unit *find_caseless(const char *name, enum scn_quantity q)
{
    for (size_t i = 0; i < N_UNITS; i++)
        if (units[i].q == q && strcasecmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

enum sim_status scn_units_parse(const char *text, enum scn_quantity q,
                                double *out_si, struct sim_err *err)
{
    char *end = NULL;
    const double v = strtod(text, &end);
    if (end == text)
        return sim_err_set(err, SIM_EINVAL, "expected %s such as %s, found '%s'",
                           scn_quantity_name(q), scn_quantity_example(q), text);
    if (!isfinite(v))
        return sim_err_set(err, SIM_EINVAL, "expected a finite number, found '%s'", text);
    while (*end == ' ')
        end++;
    if (*end == '\0') {
        if (q == SCN_Q_RATIO || q == SCN_Q_TOKENS) {
            *out_si = v;
            return SIM_OK;
        }
        return sim_err_set(err, SIM_EINVAL,
                           "'%s' has no unit: expected %s such as %s (a plain JSON "
                           "number is taken in SI units)", text, scn_quantity_name(q),
                           scn_quantity_example(q));
    }
    const struct unit *u = find_exact(end);
    if (u != NULL && u->q == q) {
        *out_si = v * u->factor;
        if (!isfinite(*out_si)) // "1e308 GB" overflows a double
            return sim_err_set(err, SIM_EINVAL, "'%s' is too large to represent", text);
        return SIM_OK;
    }
    if (u != NULL)
        return sim_err_set(err, SIM_EINVAL, "'%s' is %s unit, expected %s such as %s", end,
                           scn_quantity_name(u->q), scn_quantity_name(q),
                           scn_quantity_example(q));
    const struct unit *near = find_caseless(end, q);
    if (near != NULL)
        return sim_err_set(err, SIM_EINVAL,
                           "unknown unit '%s' for %s (did you mean '%s'? units are "
                           "case-sensitive: 'Mbps' is bits, 'MB/s' bytes)", end,
                           scn_quantity_name(q), near->name);
    return sim_err_set(err, SIM_EINVAL, "unknown unit '%s' for %s, expected e.g. %s", end,
                       scn_quantity_name(q), scn_quantity_example(q));
}

const char *scn_units_format(double si, enum scn_quantity q, char *buf, size_t cap)
{
    switch (q) {
    case SCN_Q_BANDWIDTH:
        if (si >= 1e10)
            snprintf(buf, cap, "%.6g GB/s", si / 1e9);
        else
            snprintf(buf, cap, "%.6g Mbps", si * 8 / 1e6);
        break;
    case SCN_Q_TIME:
        if (si != 0.0 && fabs(si) < 1e-3)
            snprintf(buf, cap, "%.6g us", si * 1e6);
        else if (fabs(si) < 1.0)
            snprintf(buf, cap, "%.6g ms", si * 1e3);
        else
            snprintf(buf, cap, "%.6g s", si);
        break;
    case SCN_Q_FLOPS:
        snprintf(buf, cap, "%.6g TFLOPS", si / 1e12);
        break;
    case SCN_Q_BYTES:
        snprintf(buf, cap, si >= 1e9 ? "%.6g GB" : "%.6g MB", si >= 1e9 ? si / 1e9 : si / 1e6);
        break;
    case SCN_Q_RATE:
        snprintf(buf, cap, "%.6g /s", si);
        break;
    case SCN_Q_TOKENS:
        snprintf(buf, cap, "%.6g tokens", si);
        break;
    case SCN_Q_POWER:
        snprintf(buf, cap, fabs(si) < 1.0 ? "%.6g mW" : "%.6g W", fabs(si) < 1.0 ? si * 1e3 : si);
        break;
    case SCN_Q_ENERGY:
        snprintf(buf, cap, "%.6g Wh", si / 3600.0);
        break;
    case SCN_Q_PRICE:
        snprintf(buf, cap, "%.6g USD/h", si * 3600.0);
        break;
    case SCN_Q_POWER_PER_RATE:
        snprintf(buf, cap, "%.6g mW/Mbps", si * 1e6 / 8 * 1e3);
        break;
    case SCN_Q_RATIO:
    case SCN_Q_COUNT:
        snprintf(buf, cap, "%.6g", si);
        break;
    }
    return buf;
}
