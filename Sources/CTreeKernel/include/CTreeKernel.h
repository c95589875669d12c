#ifndef VENDORMATCH_CTREEKERNEL_H
#define VENDORMATCH_CTREEKERNEL_H

#include <stddef.h>
#include <stdint.h>

/// Boosted trees laid out as complete binary trees of one depth (a shallower leaf is pushed down as
/// splits that always go left), so a row's walk through a tree is `depth` steps without branches.
/// Per tree: `(1 << depth) - 1` splits (feature, threshold, missing goes right) in breadth-first order,
/// then `1 << depth` leaf values.
typedef struct {
    const uint16_t *feature;      ///< trees × splits
    const float *threshold;       ///< trees × splits: `x < threshold` goes left
    const uint8_t *missingRight;  ///< trees × splits: where a NaN goes
    const float *leaf;            ///< trees × leaves
    int32_t trees;
    int32_t depth;
} vm_complete_trees;

/// Adds every tree's leaf value to `out[i]` for each row `i` of the row-major `matrix` (`rows` × `columns`),
/// tree after tree, so each row sums its trees in order (in double).
void vm_trees_predict(const vm_complete_trees *trees, const float *matrix, size_t rows, size_t columns, double *out);

/// Trees as flat node arrays (XGBoost's own shape), for TreeSHAP: node `i` splits on `feature[i]` at
/// `threshold[i]` (`x < threshold` goes to `left[i]`, else `right[i]`; a NaN goes left when `defaultLeft[i]`);
/// a leaf has `left[i] < 0` and its value in `threshold[i]`; `cover[i]` is the hessian sum that reached it.
typedef struct {
    const int32_t *left;
    const int32_t *right;
    const int32_t *feature;
    const float *threshold;
    const uint8_t *defaultLeft;
    const double *cover;
    const int64_t *roots;
    int32_t trees;
    int32_t maxDepth;
} vm_tree_nodes;

/// Adds the exact SHAP contributions of `row` (Lundberg's path-dependent TreeSHAP, as XGBoost's
/// `pred_contribs`) of every tree to `phi[feature]`; the bias is left to the caller. Returns 0, or -1
/// when out of memory.
int vm_tree_shap(const vm_tree_nodes *trees, const float *row, double *phi);

/// TreeSHAP precomputed per leaf (as in Fast TreeSHAP v2, Yang 2021): a leaf's contribution to each
/// feature on its path depends only on which of those features the row agrees with, so each leaf keeps
/// `2^d × d` coefficients (`d` unique features on its path), indexed by that agreement pattern.
typedef struct {
    const int32_t *leafCondition;     ///< leaves + 1: the first condition of each leaf
    const uint8_t *leafUnique;        ///< leaves: `d`, unique features on the path
    const int64_t *leafCoefficient;   ///< leaves: offset of the leaf's `2^d × d` coefficients
    const int32_t *slotFeature;       ///< leaves × maxUnique: the feature of each slot
    const int32_t *conditionFeature;  ///< conditions: the split's feature
    const float *conditionThreshold;  ///< conditions: `x < threshold` goes left
    const uint8_t *conditionFlags;    ///< conditions: bit 0 the path goes left, bit 1 a NaN goes left
    const uint8_t *conditionSlot;     ///< conditions: the slot of the split's feature
    const double *coefficient;
    int32_t leaves;
    int32_t maxUnique;
} vm_leaf_shap;

/// Adds the exact SHAP contributions of `row` over every leaf to `phi[feature]` (the same values as
/// `vm_tree_shap`); the bias is left to the caller.
void vm_leaf_shap_row(const vm_leaf_shap *s, const float *row, double *phi);

#endif
