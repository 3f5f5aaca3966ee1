/*
 * tests/test_boundary: wire encodings (fp16, bf16, int8) and the log.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <math.h>
#include <string.h>

#include "reference/boundary.h"

struct half_case {
    float in;
    uint16_t bits;
};

// binary16 encodings worked out by hand from the IEEE 754 layout
static struct half_case half_cases[] = {
    {0.0f, 0x0000},
    {-0.0f, 0x8000},
    {1.0f, 0x3c00},
    {-2.0f, 0xc000},
    {65504.0f, 0x7bff},              // largest finite half
    {65520.0f, 0x7c00},              // the tie above it rounds to infinity
    {1.0f + 1.0f / 2048, 0x3c00},    // tie: rounds to even (1.0)
    {1.0f + 3.0f / 2048, 0x3c02},    // tie: rounds to even (up)
    {6.103515625e-05f, 0x0400},      // 2^-14, smallest normal
    {5.9604644775390625e-08f, 0x0001}, // 2^-24, smallest subnormal
    {2.98023223876953125e-08f, 0x0000}, // 2^-25 ties to even zero
    {0.333333333f, 0x3555},
};

ParameterizedTestParameters(ref_boundary, fp16_encodes_by_round_to_nearest_even)
{
    return cr_make_param_array(struct half_case, half_cases,
                               sizeof half_cases / sizeof half_cases[0]);
}

ParameterizedTest(struct half_case *c, ref_boundary, fp16_encodes_by_round_to_nearest_even)
{
    cr_expect_eq(ref_fp32_to_fp16(c->in), c->bits, "%.9g -> 0x%04x, want 0x%04x",
                 (double)c->in, ref_fp32_to_fp16(c->in), c->bits);
}

Test(ref_boundary, fp16_round_trip_is_exact_for_every_finite_half)
{
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 0x7c00) == 0x7c00)
            continue; // inf and NaN
        const float f = ref_fp16_to_fp32((uint16_t)h);
        cr_assert_eq(ref_fp32_to_fp16(f), h, "0x%04x", h);
    }
}

Test(ref_boundary, fp16_keeps_nan_and_infinity)
{
    cr_expect(isnan(ref_fp16_to_fp32(ref_fp32_to_fp16(NAN))));
    cr_expect(isinf(ref_fp16_to_fp32(ref_fp32_to_fp16(INFINITY))));
    cr_expect_eq(ref_fp32_to_fp16(1e6f), 0x7c00);
}

Test(ref_boundary, bf16_keeps_top_bits_with_rounding)
{
    cr_expect_eq(ref_fp32_to_bf16(1.0f), 0x3f80);
    cr_expect_eq(ref_fp32_to_bf16(-2.0f), 0xc000);
    // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: rounds to even (1)
    cr_expect_eq(ref_fp32_to_bf16(1.0f + 1.0f / 256), 0x3f80);
    cr_expect_eq(ref_fp32_to_bf16(1.0f + 3.0f / 256), 0x3f82);
    cr_expect(isnan(ref_bf16_to_fp32(ref_fp32_to_bf16(NAN))));
    cr_expect_float_eq(ref_bf16_to_fp32(0x4049), 3.140625f, 0.0);
}

Test(ref_boundary, int8_error_is_at_most_half_a_step_per_row)
{
    const float x[2][5] = {{1.0f, -0.5f, 0.25f, 0.1f, -1.27f}, {100, 3, -7, 0, 50}};
    uint8_t wire[2 * (5 + 4)];
    float y[10];
    const int64_t n = ref_encode(REF_DTYPE_INT8, &x[0][0], 2, 5, wire);
    cr_expect_eq(n, 2 * 5 + 2 * 4);
    ref_decode(REF_DTYPE_INT8, wire, 2, 5, y);
    for (int r = 0; r < 2; r++) {
        float amax = 0;
        for (int i = 0; i < 5; i++)
            amax = fmaxf(amax, fabsf(x[r][i]));
        for (int i = 0; i < 5; i++)
            cr_expect_leq(fabsf(y[r * 5 + i] - x[r][i]), amax / 127 / 2 * 1.0001f);
    }
}

Test(ref_boundary, int8_zero_row_decodes_to_zero)
{
    const float x[3] = {0, 0, 0};
    uint8_t wire[7];
    float y[3] = {1, 1, 1};
    ref_encode(REF_DTYPE_INT8, x, 1, 3, wire);
    ref_decode(REF_DTYPE_INT8, wire, 1, 3, y);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(y[i], 0.0f);
}

Test(ref_boundary, transfer_logs_what_crossed_and_halves_bytes_at_16_bit)
{
    float x[2 * 3 * 4], y[2 * 3 * 4];
    for (int i = 0; i < 24; i++)
        x[i] = (float)i / 7.0f;
    const int64_t shape[3] = {2, 3, 4};
    struct ref_boundary *b32 = ref_boundary_create(REF_DTYPE_FP32, 96);
    struct ref_boundary *b16 = ref_boundary_create(REF_DTYPE_FP16, 96);
    cr_expect_eq(ref_boundary_transfer(b32, REF_LINK_DOWN, REF_OP_ACT_DOWN, 5, 3, shape, x, y), 96);
    for (int i = 0; i < 24; i++)
        cr_expect_eq(y[i], x[i]); // fp32 crosses exactly
    cr_expect_eq(ref_boundary_transfer(b16, REF_LINK_UP, REF_OP_ACT_UP, 5, 3, shape, x, y), 48);
    cr_assert_eq(b16->n_log, 1);
    const struct ref_msg_record *m = &b16->log[0];
    cr_expect_eq(m->op, REF_OP_ACT_UP);
    cr_expect_eq(m->dir, REF_LINK_UP);
    cr_expect_eq(m->layer, 5);
    cr_expect_eq(m->ndim, 3);
    cr_expect_eq(m->shape[2], 4);
    cr_expect_eq(m->bytes, 48);
    ref_boundary_destroy(b32);
    ref_boundary_destroy(b16);
}

Test(ref_boundary, message_larger_than_planned_aborts, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
    float x[8] = {0}, y[8];
    const int64_t shape[2] = {2, 4};
    struct ref_boundary *b = ref_boundary_create(REF_DTYPE_FP32, 16);
    ref_boundary_transfer(b, REF_LINK_UP, REF_OP_EMBED_UP, -1, 2, shape, x, y);
}

Test(ref_boundary, destroy_null_is_a_no_op)
{
    ref_boundary_destroy(NULL);
}
