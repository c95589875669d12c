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

/// 1 when this CPU runs the 16-bit integer kernel (AVX-512F, AVX-512BW and AVX512_VNNI), 0 otherwise.
int vm_minilm_int16_kernel_supported(void);

/// The 16-bit integer kernel's quantisation limits: weights are rounded to ±VM_INT16_WEIGHT_MAX per
/// output (scale = largest |w| of the output / VM_INT16_WEIGHT_MAX), activations to ±VM_INT16_INPUT_MAX
/// per row; int32 sums are moved to float every VM_INT16_FLUSH_INPUTS inputs, so
/// VM_INT16_FLUSH_INPUTS · VM_INT16_WEIGHT_MAX · VM_INT16_INPUT_MAX < 2³¹ and they never overflow.
#define VM_INT16_WEIGHT_MAX 4095
#define VM_INT16_INPUT_MAX 8191
#define VM_INT16_FLUSH_INPUTS 64

/// C[M×N] += X[M×K] · W on one thread with 16-bit integer products (`vpdpwssd`, two multiply-adds per
/// 32-bit lane) and int32 sums moved to float every VM_INT16_FLUSH_INPUTS inputs. X is quantised per row
/// on the way in; W is packed like the bfloat16 kernel's panels but with int16 values
/// (`packed[((j·K/2 + p)·2 + h)·32 + 2o + e] = round(W[32j + 16h + o][2p + e] / scale[32j + 16h + o])`).
/// N must be a multiple of 32 and K of VM_INT16_FLUSH_INPUTS. Only call when supported.
void vm_minilm_gemm_i16(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                        float *C, int ldc);

/// C[M×N] = X[M×K] · W + bias (C only written), otherwise as vm_minilm_gemm_i16.
void vm_minilm_gemm_i16_bias(int M, int N, int K, const float *X, int ldx, const int16_t *packed, const float *scale,
                             const float *bias, float *C, int ldc);

/// 1 when this CPU runs the row-wise kernels below (AVX-512F and FMA), 0 otherwise.
int vm_minilm_rowwise_supported(void);

/// x = GELU(x) with the error function (Eigen's rational erf, as `MiniLMEncoder.erf`). Only call when supported.
void vm_minilm_gelu(float *x, long count);

/// Each of `rows` rows of x (h floats, h a multiple of 16): x += y (when y is not NULL), then layer
/// normalisation with gain and bias. Only call when supported.
void vm_minilm_add_layer_norm(float *x, const float *y, int rows, int h, const float *gain, const float *bias, float eps);

/// C = alpha·A·op(B) + beta·C in row-major order, the part of `cblas_sgemm(CblasRowMajor, CblasNoTrans, …)`
/// the encoder uses: A is M×K (row stride lda); op(B) is B (K×N, stride ldb) when transB is 0, else Bᵀ with
/// B N×K (stride ldb); C is M×N (stride ldc). With beta 0, C is only written. Portable C (vector
/// extensions, compiled for AVX-512F, AVX2+FMA and the baseline, chosen at run time): the fallback when
/// the system has no OpenBLAS.
void vm_minilm_sgemm(int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
                     float beta, float *C, int ldc);

/// The instruction set vm_minilm_sgemm runs on this CPU: "avx512f", "avx2+fma" or "baseline".
const char *vm_minilm_sgemm_isa(void);

#endif
