/*
 * tests/test_kernels: each reference operator against hand arithmetic.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "reference/kernels.h"

Test(ref_kernels, matmul_matches_hand_arithmetic)
{
    // x (2,3) @ W^T, W (2,3): rows [1,2,3] and [0,-1,1]
    const float x[6] = {1, 0, 2, -1, 3, 1};
    const float w[6] = {1, 2, 3, 0, -1, 1};
    float out[4];
    ref_matmul(out, x, w, 2, 3, 2);
    cr_expect_float_eq(out[0], 7.0f, 1e-6);  // 1 + 0 + 6
    cr_expect_float_eq(out[1], 2.0f, 1e-6);  // 0 + 0 + 2
    cr_expect_float_eq(out[2], 8.0f, 1e-6);  // -1 + 6 + 3
    cr_expect_float_eq(out[3], -2.0f, 1e-6); // 0 - 3 + 1
}

Test(ref_kernels, matmul_cost_counts_two_flops_per_multiply_add)
{
    const struct ref_cost c = ref_matmul_cost(3, 4096, 11008);
    cr_expect_eq(c.flop, 2.0 * 3 * 4096 * 11008);
}

Test(ref_kernels, rmsnorm_scales_to_unit_rms)
{
    const float x[4] = {1, -2, 3, -4};
    const float w[4] = {1, 1, 2, 1};
    float out[4];
    ref_rmsnorm(out, x, w, 1, 4, 0.0f);
    const float rms = sqrtf((1 + 4 + 9 + 16) / 4.0f);
    cr_expect_float_eq(out[0], 1 / rms, 1e-6);
    cr_expect_float_eq(out[2], 2 * 3 / rms, 1e-6);
    cr_expect_float_eq(out[3], -4 / rms, 1e-6);
}

Test(ref_kernels, rope_rotates_adjacent_pairs_by_position_times_frequency)
{
    // one head of size 4: pairs (0,1) at freq 1 and (2,3) at 10000^(-2/4)
    float x[4] = {1, 0, 1, 0};
    const int64_t pos[1] = {3};
    ref_rope(x, pos, 1, 1, 4, 10000.0f);
    cr_expect_float_eq(x[0], cosf(3.0f), 1e-6);
    cr_expect_float_eq(x[1], sinf(3.0f), 1e-6);
    cr_expect_float_eq(x[2], cosf(3.0f * 0.01f), 1e-6);
    cr_expect_float_eq(x[3], sinf(3.0f * 0.01f), 1e-6);
}

Test(ref_kernels, rope_at_position_zero_is_identity)
{
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const int64_t pos[1] = {0};
    ref_rope(x, pos, 1, 2, 4, 10000.0f);
    for (int i = 0; i < 8; i++)
        cr_expect_float_eq(x[i], (float)(i + 1), 0.0);
}

Test(ref_kernels, softmax_sums_to_one_and_keeps_order)
{
    float x[3] = {1000.0f, 1001.0f, 999.0f}; // large values must not overflow
    ref_softmax(x, 3);
    cr_expect_float_eq(x[0] + x[1] + x[2], 1.0f, 1e-6);
    cr_expect(x[1] > x[0] && x[0] > x[2]);
    cr_expect_float_eq(x[1] / x[0], expf(1.0f), 1e-5);
}

Test(ref_kernels, attention_over_one_key_returns_its_value)
{
    // 2 query heads sharing 1 kv head (grouped), head size 2
    const float q[4] = {1, 2, -3, 0.5f};
    const float k[2] = {0.3f, -0.7f};
    const float v[2] = {4, -5};
    float out[4], att[2];
    ref_attention(out, att, q, k, v, 1, 0, 2, 1, 2);
    cr_expect_float_eq(out[0], 4.0f, 1e-6);
    cr_expect_float_eq(out[1], -5.0f, 1e-6);
    cr_expect_float_eq(out[2], 4.0f, 1e-6);
    cr_expect_float_eq(out[3], -5.0f, 1e-6);
}

Test(ref_kernels, attention_is_causal_and_weights_by_scaled_scores)
{
    // one head of size 2, two new tokens at positions 0 and 1
    const float q[4] = {1, 0, 1, 0};
    const float k[4] = {1, 0, 3, 0};
    const float v[4] = {1, 1, 3, 3};
    float out[4], att[4];
    ref_attention(out, att, q, k, v, 2, 0, 1, 1, 2);
    cr_expect_float_eq(out[0], 1.0f, 1e-6); // token 0 sees only key 0
    // token 1: scores 1/sqrt2 and 3/sqrt2
    const float a0 = expf(1 / sqrtf(2)), a1 = expf(3 / sqrtf(2));
    cr_expect_float_eq(out[2], (a0 * 1 + a1 * 3) / (a0 + a1), 1e-5);
}

Test(ref_kernels, attention_cost_counts_every_query_key_pair)
{
    // 3 new tokens after 5 cached: keys 6 + 7 + 8 = 21
    const struct ref_cost c = ref_attention_cost(3, 5, 4, 2, 8);
    cr_expect_eq(c.flop, 4.0 * 21 * 4 * 8);
    cr_expect_eq(c.bytes, 4.0 * 2 * 8 * 2 * 8);
}

Test(ref_kernels, swiglu_is_silu_times_gate)
{
    const float g[2] = {0.0f, 2.0f}, u[2] = {5.0f, 3.0f};
    float out[2];
    ref_swiglu(out, g, u, 2);
    cr_expect_float_eq(out[0], 0.0f, 1e-7);
    cr_expect_float_eq(out[1], 2.0f / (1.0f + expf(-2.0f)) * 3.0f, 1e-6);
}

Test(ref_kernels, argmax_takes_first_of_ties)
{
    const float x[5] = {1, 3, 3, -1, 2};
    cr_expect_eq(ref_argmax(x, 5), 1);
}
