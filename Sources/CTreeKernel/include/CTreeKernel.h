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
/// feature on its path depends only on which of the path's conditions the row agrees with, so each leaf
/// keeps `2^m × d` coefficients (`m` conditions, `d` unique features on its path), indexed by that pattern.
/// Trees are read in the complete layout of `vm_complete_trees` (depth ≤ 6: one bit per split).
typedef struct {
    const vm_complete_trees *trees;
    const int32_t *treeLeaf;          ///< trees + 1: each tree's first leaf
    const uint8_t *leafConditions;    ///< leaves: `m`, the splits on the path
    const uint8_t *leafUnique;        ///< leaves: `d`, unique features on the path
    const uint32_t *leafWantLeft;     ///< leaves: bit `i` set when the path goes left at its `i`-th split
    const int64_t *leafCoefficient;   ///< leaves: offset of the leaf's `2^m × d` coefficients
    const uint16_t *conditionPosition;///< leaves × depth: the `i`-th split's position in the complete tree
    const int32_t *slotFeature;       ///< leaves × depth: the feature of each slot
    const double *coefficient;
} vm_leaf_shap;

/// Adds the exact SHAP contributions of each row of the row-major `matrix` (`rows` × `columns`) to
/// `phi[row * (columns + 1) + feature]` (the same values as `vm_tree_shap`); the bias is left to the caller.
void vm_leaf_shap_rows(const vm_leaf_shap *s, const float *matrix, size_t rows, size_t columns, double *phi);

#endif
