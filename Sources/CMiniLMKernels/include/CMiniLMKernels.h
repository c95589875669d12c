#ifndef VENDORMATCH_CMINILMKERNELS_H
#define VENDORMATCH_CMINILMKERNELS_H

#include <stdint.h>

/// 1 when this CPU runs the half-precision kernel (AVX-512F, F16C and FMA), 0 otherwise.
int vm_minilm_half_kernel_supported(void);

/// C[M×N] += X[M×K] · W on one thread, W half precision packed in panels of 32 outputs:
/// panel j holds, for k = 0…K−1, the 32 weights of outputs 32j…32j+31 for input k
/// (`packed[(j·K + k)·32 + q] = W[32j + q][k]`). N must be a multiple of 32.
/// X has row stride ldx, C row stride ldc (floats). Only call when supported.
void vm_minilm_gemm_f16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc);

#endif
