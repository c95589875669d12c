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

/// 1 when this CPU runs the bfloat16 kernel (AVX-512F and AVX512_BF16), 0 otherwise.
int vm_minilm_bf16_kernel_supported(void);

/// C[M×N] += X[M×K] · W on one thread with bfloat16 products (`vdpbf16ps`) and float accumulation;
/// X is rounded to bfloat16 (nearest even) on the way in. W is packed in panels of 32 outputs by
/// input pairs: `packed[((j·K/2 + p)·2 + h)·32 + 2o + e] = bf16(W[32j + 16h + o][2p + e])`.
/// N must be a multiple of 32 and K even. Only call when supported.
void vm_minilm_gemm_bf16(int M, int N, int K, const float *X, int ldx, const uint16_t *packed, float *C, int ldc);

#endif
