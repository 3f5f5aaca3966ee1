/*
 * reference/kernels: see kernels.h for the legend and contracts.
 * Loops are written for clarity first; the only performance choices are
 * OpenMP over independent output rows and `omp simd` reductions so the
 * compiler may vectorise dot products without -ffast-math.
 */
#include "reference/kernels.h"

#include <math.h>
#include <string.h>
#include <stddef.h>

// ---- matmul ----

/* One dot product of length n; the simd reduction lets the compiler
 * reorder the sum, which is the only reassociation we allow. */
static float dot(const float *a, const float *b, int64_t n)
{
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void ref_matmul(float *out, const float *x, const float *w, int64_t N,
                int64_t n, int64_t dout)
{
    // W (dout,n) @ x[t] (n,) -> out[t] (dout,), for every row t of x.
    // Parallel over output features: each weight row is read once and
    // reused for all N rows, which is what makes batching pay.
#pragma omp parallel for schedule(static)
    for (int64_t o = 0; o < dout; o++) {
        const float *wrow = w + o * n;
        for (int64_t t = 0; t < N; t++)
            out[t * dout + o] = dot(x + t * n, wrow, n);
    }
}

void ref_cost_add(struct ref_cost *a, struct ref_cost b)
{
    a->flop += b.flop;
    a->params += b.params;
    a->bytes += b.bytes;
    a->calls += b.calls;
}

struct ref_cost ref_matmul_cost(int64_t N, int64_t n, int64_t dout)
{
    const double macs = (double)N * (double)n * (double)dout;
    const double bytes = 4.0 * ((double)dout * n + (double)N * n);
    return (struct ref_cost){.flop = 2.0 * macs, .params = (double)n * (double)dout,
                             .bytes = bytes, .calls = 1.0};
}

// ---- normalisation and elementwise ----

void ref_rmsnorm(float *out, const float *x, const float *weight, int64_t N,
                 int64_t d, float eps)
{
#pragma omp parallel for schedule(static) if (N > 1)
    for (int64_t t = 0; t < N; t++) {
        const float *xr = x + t * d;
        float *orow = out + t * d;
        // x / sqrt(mean(x^2) + eps) * weight
        const float ss = dot(xr, xr, d);
        const float inv = 1.0f / sqrtf(ss / (float)d + eps);
        for (int64_t i = 0; i < d; i++)
            orow[i] = weight[i] * (inv * xr[i]);
    }
}

void ref_embed(float *out, const float *table, const int32_t *tokens, int64_t N, int64_t d)
{
    for (int64_t t = 0; t < N; t++)
        memcpy(out + t * d, table + (int64_t)tokens[t] * d, (size_t)d * sizeof(float));
}

struct ref_cost ref_embed_cost(int64_t N, int64_t d)
{
    const double rows = (double)N * (double)d;
    return (struct ref_cost){.flop = 0.0, .params = rows, .bytes = 4.0 * rows};
}

struct ref_cost ref_rmsnorm_cost(int64_t N, int64_t d)
{
    // a square-and-add and a scale-and-multiply per element
    return (struct ref_cost){.flop = 4.0 * (double)N * (double)d, .params = (double)d,
                             .bytes = 4.0 * ((double)N * d + (double)d)};
}

void ref_swiglu(float *out, const float *g, const float *u, int64_t n)
{
    // silu(g) * u with silu(g) = g * sigmoid(g)
    for (int64_t i = 0; i < n; i++) {
        const float s = g[i] / (1.0f + expf(-g[i]));
        out[i] = s * u[i];
    }
}

void ref_add(float *out, const float *x, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        out[i] += x[i];
}

int64_t ref_argmax(const float *x, int64_t n)
{
    int64_t best = 0;
    for (int64_t i = 1; i < n; i++)
        if (x[i] > x[best])
            best = i;
    return best;
}

// ---- rotary position embedding ----

void ref_rope(float *x, const int64_t *pos, int64_t N, int64_t n_heads,
              int64_t hs, float base)
{
    for (int64_t t = 0; t < N; t++) {
        for (int64_t h = 0; h < n_heads; h++) {
            float *v = x + t * n_heads * hs + h * hs;
            for (int64_t i = 0; i < hs; i += 2) {
                // theta_i = pos * base^(-i/hs), i = 2 * pair index
                const double freq = pow((double)base, -(double)i / (double)hs);
                const double ang = (double)pos[t] * freq;
                const float c = (float)cos(ang);
                const float s = (float)sin(ang);
                const float a = v[i];
                const float b = v[i + 1];
                v[i] = a * c - b * s;
                v[i + 1] = a * s + b * c;
            }
        }
    }
}

// ---- attention ----

void ref_softmax(float *x, int64_t n)
{
    float mx = x[0];
    for (int64_t i = 1; i < n; i++)
        if (x[i] > mx)
            mx = x[i];
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        x[i] = expf(x[i] - mx);
        sum += x[i];
    }
    for (int64_t i = 0; i < n; i++)
        x[i] /= sum;
}

void ref_attention(float *out, float *att, const float *q,
                   const float *k_cache, const float *v_cache, int64_t n_new,
                   int64_t pos0, int64_t n_heads, int64_t n_kv_heads,
                   int64_t hs)
{
    const int64_t d = n_heads * hs;
    const int64_t kv = n_kv_heads * hs;
    const int64_t group = n_heads / n_kv_heads;
    const int64_t T = pos0 + n_new;
    const float scale = 1.0f / sqrtf((float)hs);
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t t = 0; t < n_new; t++) {
        for (int64_t h = 0; h < n_heads; h++) {
            const float *qh = q + t * d + h * hs;
            const int64_t kvh = h / group;
            const int64_t n_keys = pos0 + t + 1; // causal: keys 0..pos
            float *a = att + (t * n_heads + h) * T;
            // scores = q . k / sqrt(hs), then softmax over the keys
            for (int64_t s = 0; s < n_keys; s++)
                a[s] = dot(qh, k_cache + s * kv + kvh * hs, hs) * scale;
            ref_softmax(a, n_keys);
            // out = sum_s a[s] * v[s]
            float *oh = out + t * d + h * hs;
            for (int64_t i = 0; i < hs; i++)
                oh[i] = 0.0f;
            for (int64_t s = 0; s < n_keys; s++) {
                const float *vs = v_cache + s * kv + kvh * hs;
                for (int64_t i = 0; i < hs; i++)
                    oh[i] += a[s] * vs[i];
            }
        }
    }
}

struct ref_cost ref_attention_cost(int64_t n_new, int64_t pos0,
                                   int64_t n_heads, int64_t n_kv_heads,
                                   int64_t hs)
{
    // sum over new queries t of (pos0 + t + 1) keys
    const double keys = (double)n_new * (double)pos0 +
                        (double)n_new * (double)(n_new + 1) / 2.0;
    const double flop = 4.0 * keys * (double)n_heads * (double)hs;
    const double kv_rows = (double)(pos0 + n_new);
    const double bytes = 4.0 * 2.0 * kv_rows * (double)n_kv_heads * hs;
    return (struct ref_cost){.flop = flop, .bytes = bytes, .calls = 1.0};
}
