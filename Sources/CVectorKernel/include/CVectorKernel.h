#ifndef VENDORMATCH_CVECTORKERNEL_H
#define VENDORMATCH_CVECTORKERNEL_H

#include <stddef.h>
#include <stdint.h>

/// Dot products of one float query with `rows` row-major float vectors of `dims` each: `out[i] = q · m[i]`.
/// AVX2+FMA when the CPU has it, portable C otherwise (the same sums up to rounding order).
void vm_dots_f32(const float *query, const float *matrix, size_t rows, size_t dims, float *out);

/// Dot products of the query with chosen rows only: `out[i] = q · m[rows[i]]` (the exact rescoring of hits).
void vm_dots_f32_gather(const float *query, const float *matrix, const int32_t *rows, size_t count, size_t dims,
                        float *out);

/// Integer dot products of an int8 query with `rows` row-major int8 codes of `dims` each (`dims` a
/// multiple of 32 for the vector path; any `dims` works): `out[i] = Σ q[j] · codes[i][j]`, exact in int32.
void vm_dots_i8(const int8_t *query, const int8_t *codes, size_t rows, size_t dims, int32_t *out);

/// For each of `rows` float vectors, the index of the nearest (largest dot product) of `k` centroids and that
/// dot product; ties go to the lower centroid. `rows` are split into blocks so the centroids stay in cache.
void vm_nearest_centroids(const float *vectors, size_t rows, const float *centroids, size_t k, size_t dims,
                          int32_t *assignment, float *best);

#endif
