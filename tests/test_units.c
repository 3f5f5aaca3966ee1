/*
 * tests/test_units: unit strings to SI, the table of every trap: bits
 * against bytes, SI against binary prefixes, time, dense FLOPS.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>

#include "scenarios/units.h"

struct unit_case {
    char text[32];
    enum scn_quantity q;
    double si;
};

static struct unit_case unit_cases[] = {
    {"100 Mbps", SCN_Q_BANDWIDTH, 1.25e7},    // bits: 100e6 / 8 bytes/s
    {"100 MBps", SCN_Q_BANDWIDTH, 1e8},       // bytes
    {"100 MB/s", SCN_Q_BANDWIDTH, 1e8},
    {"60Mbps", SCN_Q_BANDWIDTH, 7.5e6},       // no space
    {"60 Mb/s", SCN_Q_BANDWIDTH, 7.5e6},      // a lower-case b is a bit, as in Mbps
    {"60 MB/s", SCN_Q_BANDWIDTH, 6e7},        // and an upper-case B a byte
    {"14.56 Mbps", SCN_Q_BANDWIDTH, 1.82e6},
    {"1.935 TB/s", SCN_Q_BANDWIDTH, 1.935e12},
    {"42.7 GB/s", SCN_Q_BANDWIDTH, 4.27e10},
    {"1 Gbps", SCN_Q_BANDWIDTH, 1.25e8},
    {"8 bps", SCN_Q_BANDWIDTH, 1.0},
    {"1 KiB/s", SCN_Q_BANDWIDTH, 1024.0},     // binary prefix
    {"1 MiB/s", SCN_Q_BANDWIDTH, 1048576.0},
    {"1 Mibps", SCN_Q_BANDWIDTH, 131072.0},   // binary bits
    {"47 ms", SCN_Q_TIME, 0.047},
    {"250 us", SCN_Q_TIME, 2.5e-4},
    {"1.5 s", SCN_Q_TIME, 1.5},
    {"2 min", SCN_Q_TIME, 120.0},
    {"10 ns", SCN_Q_TIME, 1e-8},
    {"0 ms", SCN_Q_TIME, 0.0},
    {"312 TFLOPS", SCN_Q_FLOPS, 3.12e14},
    {"989.4 TFLOP/s", SCN_Q_FLOPS, 9.894e14},
    {"18.5 GFLOPS", SCN_Q_FLOPS, 1.85e10},
    {"1Tf", SCN_Q_FLOPS, 1e12},               // SimGrid notation
    {"6 GB", SCN_Q_BYTES, 6e9},
    {"6 GiB", SCN_Q_BYTES, 6442450944.0},
    {"512 KiB", SCN_Q_BYTES, 524288.0},
    {"8.1 tokens/s", SCN_Q_RATE, 8.1},
    {"1 %", SCN_Q_RATIO, 0.01},
    {"0.25", SCN_Q_RATIO, 0.25},
};

ParameterizedTestParameters(scn_units, parses_to_si)
{
    return cr_make_param_array(struct unit_case, unit_cases,
                               sizeof unit_cases / sizeof unit_cases[0]);
}

ParameterizedTest(struct unit_case *c, scn_units, parses_to_si)
{
    double v = -1;
    struct sim_err err;
    cr_assert_eq(scn_units_parse(c->text, c->q, &v, &err), SIM_OK, "%s: %s", c->text, err.msg);
    cr_expect(fabs(v - c->si) <= 1e-12 * fabs(c->si), "%s -> %.17g, want %.17g", c->text, v,
              c->si);
}

struct bad_case {
    char text[32];
    enum scn_quantity q;
    char expect[64];
};

static struct bad_case bad_cases[] = {
    {"100 mbps", SCN_Q_BANDWIDTH, "did you mean 'Mbps'"},
    {"47 ms", SCN_Q_BANDWIDTH, "is a duration unit"},
    {"60 Mbps", SCN_Q_TIME, "is a bandwidth unit"},
    {"100", SCN_Q_BANDWIDTH, "has no unit"},
    {"fast", SCN_Q_BANDWIDTH, "expected a bandwidth"},
    {"12 parsecs", SCN_Q_TIME, "unknown unit 'parsecs'"},
    {"inf Mbps", SCN_Q_BANDWIDTH, "finite"},
    {"312 tflops", SCN_Q_FLOPS, "did you mean 'TFLOPS'"},
    {"1e308 GB", SCN_Q_BYTES, "too large"},   // finite number, infinite bytes
};

ParameterizedTestParameters(scn_units, refuses_with_a_reason)
{
    return cr_make_param_array(struct bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(struct bad_case *c, scn_units, refuses_with_a_reason)
{
    double v;
    struct sim_err err;
    cr_assert_eq(scn_units_parse(c->text, c->q, &v, &err), SIM_EINVAL, "%s accepted", c->text);
    cr_expect(strstr(err.msg, c->expect) != NULL, "'%s': '%s' lacks '%s'", c->text, err.msg,
              c->expect);
}

Test(scn_units, format_round_trips_through_parse)
{
    const struct {
        double si;
        enum scn_quantity q;
    } vals[] = {{7.5e6, SCN_Q_BANDWIDTH}, {1.935e12, SCN_Q_BANDWIDTH}, {0.047, SCN_Q_TIME},
                {3.12e14, SCN_Q_FLOPS}, {6e9, SCN_Q_BYTES}, {2.5e-5, SCN_Q_TIME}};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char buf[64];
        double back;
        struct sim_err err;
        scn_units_format(vals[i].si, vals[i].q, buf, sizeof buf);
        cr_assert_eq(scn_units_parse(buf, vals[i].q, &back, &err), SIM_OK, "%s", buf);
        cr_expect(fabs(back - vals[i].si) <= 1e-6 * vals[i].si, "%s", buf);
    }
}

Test(scn_units, transfer_time_is_non_decreasing_in_bits_not_bytes)
{
    // the classic bug: 100 Mbps moves 12.5 MB per second, not 100 MB
    double bps, Bps;
    struct sim_err err;
    scn_units_parse("100 Mbps", SCN_Q_BANDWIDTH, &bps, &err);
    scn_units_parse("100 MB/s", SCN_Q_BANDWIDTH, &Bps, &err);
    cr_expect_float_eq(1e6 / bps, 0.08, 1e-12);
    cr_expect_float_eq(1e6 / Bps, 0.01, 1e-12);
}
