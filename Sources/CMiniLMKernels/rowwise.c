// The encoder's row-wise layers (GELU, residual add + layer norm) in AVX-512: with the matrix products
// on the integer kernel they were a third of the time in scalar-ish Swift loops.
#include "CMiniLMKernels.h"

#include <immintrin.h>
#include <math.h>
#include <stddef.h>

int vm_minilm_rowwise_supported(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

#if defined(__x86_64__)
#define VM_ROW_TARGET __attribute__((target("avx512f,fma")))

// erf as Eigen's single-precision rational function on [−4, 4], the same as MiniLMEncoder.erf.
VM_ROW_TARGET static inline __m512 erf16(__m512 v) {
    const __m512 x = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-4.0f)), _mm512_set1_ps(4.0f));
    const __m512 x2 = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-2.72614225801306e-10f);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(2.77068142495902e-08f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.10102402082508e-06f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-5.69250639462346e-05f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-7.34990630326855e-04f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-2.95459980854025e-03f));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(-1.60960333262415e-02f));
    __m512 q = _mm512_set1_ps(-1.45660718464996e-05f);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-2.13374055278905e-04f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.68282697438203e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-7.37332916720468e-03f));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(-1.42647390514189e-02f));
    return _mm512_div_ps(_mm512_mul_ps(x, p), q);
}

VM_ROW_TARGET void vm_minilm_gelu(float *x, long count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), invSqrt2 = _mm512_set1_ps(0.70710678118654752f);
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512 e = erf16(_mm512_mul_ps(v, invSqrt2));
        _mm512_storeu_ps(x + i, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, e)));
    }
    if (i < count) {
        const __mmask16 m = (__mmask16)((1u << (count - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        const __m512 e = erf16(_mm512_mul_ps(v, invSqrt2));
        _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, e)));
    }
}

VM_ROW_TARGET void vm_minilm_add_layer_norm(float *x, const float *y, int rows, int h, const float *gain, const float *bias, float eps) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * h;
        const float *add = y ? y + (size_t)r * h : NULL;
        __m512 sum = _mm512_setzero_ps();
        for (int i = 0; i < h; i += 16) {
            __m512 v = _mm512_loadu_ps(row + i);
            if (add) { v = _mm512_add_ps(v, _mm512_loadu_ps(add + i)); _mm512_storeu_ps(row + i, v); }
            sum = _mm512_add_ps(sum, v);
        }
        const float mean = _mm512_reduce_add_ps(sum) / (float)h;
        const __m512 m = _mm512_set1_ps(mean);
        __m512 sq = _mm512_setzero_ps();
        for (int i = 0; i < h; i += 16) {
            const __m512 c = _mm512_sub_ps(_mm512_loadu_ps(row + i), m);
            sq = _mm512_fmadd_ps(c, c, sq);
        }
        const float variance = _mm512_reduce_add_ps(sq) / (float)h;
        const __m512 inverse = _mm512_set1_ps(1.0f / sqrtf(variance + eps));
        for (int i = 0; i < h; i += 16) {
            const __m512 c = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(row + i), m), inverse);
            _mm512_storeu_ps(row + i, _mm512_fmadd_ps(c, _mm512_loadu_ps(gain + i), _mm512_loadu_ps(bias + i)));
        }
    }
}
#else
void vm_minilm_gelu(float *x, long count) { (void)x; (void)count; }
void vm_minilm_add_layer_norm(float *x, const float *y, int rows, int h, const float *gain, const float *bias, float eps) {
    (void)x; (void)y; (void)rows; (void)h; (void)gain; (void)bias; (void)eps;
}
#endif
