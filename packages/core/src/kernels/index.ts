/**
 * `@ecamp/core/kernels` — kernel internals kept out of the main entry: the im2col expansion and
 * padding arithmetic behind `conv2d`, the bilinear interpolation matrix behind `resizeBilinear`,
 * and the process-wide `batchMatMul` strategy switch (benchmarks only).
 * @packageDocumentation
 */
export { im2col, conv2dPadAmounts } from './conv2d.js';
export { bilinearMatrix } from './resize-bilinear.js';
export { setBatchMatMulStrategy, resolveBatchMatMulStrategy, type BatchMatMulStrategy } from './batch-matmul.js';
