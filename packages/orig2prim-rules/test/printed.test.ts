/** The printed prim form of the rules with the most steps, pinned as inline snapshots. */
import { Builder, Program, createRegistry, printBlock, type Shape, type Var } from '@primgrad/ir';
import * as orig from '@primgrad/orig-ops';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2prim } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { orig2primRulesPlugin } from '../src/index.js';

const registry = createRegistry([origOpsPlugin, primOpsPlugin, orig2primRulesPlugin]);

function lowered(shapes: readonly Shape[], build: (b: Builder, ...inputs: Var[]) => Var): string {
  const block = new Program().globalBlock();
  const inputs = shapes.map((shape, i) => block.createVar({ name: `x${i}`, shape, dtype: 'float32', isData: true }));
  build(new Builder(block, registry), ...inputs);
  orig2prim(block, registry);
  return printBlock(block);
}

describe('printed prim form', () => {
  it('matmul with transX and a rank-1 y', () => {
    expect(lowered([[2, 3, 4], [3]], (b, x, y) => orig.matmul(b, x, y, { transX: true }))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3,4] (data)
        x1: f32[3] (data)
        transpose_0: f32[2,4,3] = transpose_p(x0) {perm=[0,2,1]}
        reshape_0: f32[3,1] = reshape_p(x1) {shape=[3,1]}
        broadcast_0: f32[2,3,1] = broadcast_p(reshape_0) {shape=[2,3,1]}
        matmul_1: f32[2,4,1] = matmul_p(transpose_0, broadcast_0)
        matmul_0: f32[2,4] = reshape_p(matmul_1) {shape=[2,4]}
      }"
    `);
  });

  it('matmul of a rank-1 x with batch dims on y', () => {
    expect(lowered([[3], [2, 3, 4]], (b, x, y) => orig.matmul(b, x, y))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[3] (data)
        x1: f32[2,3,4] (data)
        reshape_0: f32[1,3] = reshape_p(x0) {shape=[1,3]}
        broadcast_0: f32[2,1,3] = broadcast_p(reshape_0) {shape=[2,1,3]}
        matmul_1: f32[2,1,4] = matmul_p(broadcast_0, x1)
        matmul_0: f32[2,4] = reshape_p(matmul_1) {shape=[2,4]}
      }"
    `);
  });

  it('add with broadcast of both operands', () => {
    expect(lowered([[2, 1], [3]], (b, x, y) => orig.add(b, x, y))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,1] (data)
        x1: f32[3] (data)
        broadcast_0: f32[2,3] = broadcast_p(x0) {shape=[2,3]}
        broadcast_1: f32[2,3] = broadcast_p(x1) {shape=[2,3]}
        add_0: f32[2,3] = add_p(broadcast_0, broadcast_1)
      }"
    `);
  });

  it('add of equal shapes', () => {
    expect(lowered([[2, 3], [2, 3]], (b, x, y) => orig.add(b, x, y))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3] (data)
        x1: f32[2,3] (data)
        add_0: f32[2,3] = add_p(x0, x1)
      }"
    `);
  });

  it('p_norm with porder 2', () => {
    expect(lowered([[2, 3]], (b, x) => orig.pNorm(b, x, 2, 1))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3] (data)
        mul_0: f32[2,3] = mul_p(x0, x0)
        reduce_sum_0: f32[2] = reduce_sum_p(mul_0) {axis=[1], keepdim=false}
        fill_constant_0: f32[2] = fill_constant_p() {shape=[2], dtype="float32", value=0}
        eq_0: bool[2] = eq_p(reduce_sum_0, fill_constant_0)
        fill_constant_1: f32[2] = fill_constant_p() {shape=[2], dtype="float32", value=1}
        select_0: f32[2] = select_p(eq_0, fill_constant_1, reduce_sum_0)
        sqrt_0: f32[2] = sqrt_p(select_0)
        p_norm_0: f32[2] = select_p(eq_0, fill_constant_0, sqrt_0)
      }"
    `);
  });

  it('p_norm with porder 3', () => {
    expect(lowered([[3]], (b, x) => orig.pNorm(b, x, 3))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[3] (data)
        abs_0: f32[3] = abs_p(x0)
        fill_constant_0: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=0}
        eq_0: bool[3] = eq_p(abs_0, fill_constant_0)
        fill_constant_1: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=1}
        select_0: f32[3] = select_p(eq_0, fill_constant_1, abs_0)
        fill_constant_2: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=3}
        pow_0: f32[3] = pow_p(select_0, fill_constant_2)
        select_1: f32[3] = select_p(eq_0, fill_constant_0, pow_0)
        reduce_sum_0: f32[] = reduce_sum_p(select_1) {axis=[0], keepdim=false}
        fill_constant_3: f32[] = fill_constant_p() {shape=[], dtype="float32", value=0}
        eq_1: bool[] = eq_p(reduce_sum_0, fill_constant_3)
        fill_constant_4: f32[] = fill_constant_p() {shape=[], dtype="float32", value=1}
        select_2: f32[] = select_p(eq_1, fill_constant_4, reduce_sum_0)
        fill_constant_5: f32[] = fill_constant_p() {shape=[], dtype="float32", value=0.3333333333333333}
        pow_1: f32[] = pow_p(select_2, fill_constant_5)
        p_norm_0: f32[] = select_p(eq_1, fill_constant_3, pow_1)
      }"
    `);
  });

  it('softmax', () => {
    expect(lowered([[2, 3]], (b, x) => orig.softmax(b, x))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3] (data)
        reduce_max_0: f32[2,1] = reduce_max_p(x0) {axis=[1], keepdim=true}
        fill_constant_0: f32[2,1] = fill_constant_p() {shape=[2,1], dtype="float32", value=0}
        sub_0: f32[2,1] = sub_p(reduce_max_0, reduce_max_0)
        eq_0: bool[2,1] = eq_p(sub_0, fill_constant_0)
        select_0: f32[2,1] = select_p(eq_0, reduce_max_0, fill_constant_0)
        broadcast_0: f32[2,3] = broadcast_p(select_0) {shape=[2,3]}
        sub_1: f32[2,3] = sub_p(x0, broadcast_0)
        exp_0: f32[2,3] = exp_p(sub_1)
        reduce_sum_0: f32[2,1] = reduce_sum_p(exp_0) {axis=[1], keepdim=true}
        fill_constant_1: f32[2,1] = fill_constant_p() {shape=[2,1], dtype="float32", value=0}
        eq_1: bool[2,1] = eq_p(reduce_sum_0, fill_constant_1)
        fill_constant_2: f32[2,1] = fill_constant_p() {shape=[2,1], dtype="float32", value=1}
        select_1: f32[2,1] = select_p(eq_1, fill_constant_2, reduce_sum_0)
        broadcast_1: f32[2,3] = broadcast_p(select_1) {shape=[2,3]}
        div_0: f32[2,3] = div_p(exp_0, broadcast_1)
        fill_constant_3: f32[2,3] = fill_constant_p() {shape=[2,3], dtype="float32", value=0}
        div_1: f32[2,3] = div_p(fill_constant_3, fill_constant_3)
        broadcast_2: bool[2,3] = broadcast_p(eq_1) {shape=[2,3]}
        softmax_0: f32[2,3] = select_p(broadcast_2, div_1, div_0)
      }"
    `);
  });

  it('logsumexp over every axis', () => {
    expect(lowered([[2, 3]], (b, x) => orig.logsumexp(b, x))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3] (data)
        reduce_max_0: f32[1,1] = reduce_max_p(x0) {axis=[0,1], keepdim=true}
        fill_constant_0: f32[1,1] = fill_constant_p() {shape=[1,1], dtype="float32", value=0}
        sub_0: f32[1,1] = sub_p(reduce_max_0, reduce_max_0)
        eq_0: bool[1,1] = eq_p(sub_0, fill_constant_0)
        select_0: f32[1,1] = select_p(eq_0, reduce_max_0, fill_constant_0)
        broadcast_0: f32[2,3] = broadcast_p(select_0) {shape=[2,3]}
        sub_1: f32[2,3] = sub_p(x0, broadcast_0)
        exp_0: f32[2,3] = exp_p(sub_1)
        reduce_sum_0: f32[1,1] = reduce_sum_p(exp_0) {axis=[0,1], keepdim=true}
        fill_constant_1: f32[1,1] = fill_constant_p() {shape=[1,1], dtype="float32", value=0}
        eq_1: bool[1,1] = eq_p(reduce_sum_0, fill_constant_1)
        fill_constant_2: f32[1,1] = fill_constant_p() {shape=[1,1], dtype="float32", value=1}
        select_1: f32[1,1] = select_p(eq_1, fill_constant_2, reduce_sum_0)
        log_0: f32[1,1] = log_p(select_1)
        fill_constant_3: f32[1,1] = fill_constant_p() {shape=[1,1], dtype="float32", value=0}
        log_1: f32[1,1] = log_p(fill_constant_3)
        select_2: f32[1,1] = select_p(eq_1, log_1, log_0)
        add_0: f32[1,1] = add_p(select_2, select_0)
        logsumexp_0: f32[] = reshape_p(add_0) {shape=[]}
      }"
    `);
  });

  it('sigmoid', () => {
    expect(lowered([[3]], (b, x) => orig.sigmoid(b, x))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[3] (data)
        fill_constant_0: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=1}
        fill_constant_1: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=0}
        ge_0: bool[3] = ge_p(x0, fill_constant_1)
        neg_0: f32[3] = neg_p(x0)
        select_0: f32[3] = select_p(ge_0, neg_0, x0)
        exp_0: f32[3] = exp_p(select_0)
        select_1: f32[3] = select_p(ge_0, fill_constant_0, exp_0)
        add_0: f32[3] = add_p(fill_constant_0, exp_0)
        sigmoid_0: f32[3] = div_p(select_1, add_0)
      }"
    `);
  });

  it('relu', () => {
    expect(lowered([[3]], (b, x) => orig.relu(b, x))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[3] (data)
        fill_constant_0: f32[3] = fill_constant_p() {shape=[3], dtype="float32", value=0}
        ge_0: bool[3] = ge_p(fill_constant_0, x0)
        relu_0: f32[3] = select_p(ge_0, fill_constant_0, x0)
      }"
    `);
  });

  it('slice and pad', () => {
    expect(lowered([[4, 3]], (b, x) => orig.pad(b, orig.slice(b, x, [0, -1], [1, null], [null, -1], [2, 1]), [0, 1], [1, 0]))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[4,3] (data)
        slice_0: f32[2,2] = slice_p(x0) {starts=[1,0], ends=[4,2], steps=[2,1]}
        pad_0: f32[3,3] = pad_p(slice_0) {before=[0,1], after=[1,0], interior=[0,0]}
      }"
    `);
  });

  it('reduce_mean over one axis', () => {
    expect(lowered([[2, 3]], (b, x) => orig.reduceMean(b, x, -1, true))).toMatchInlineSnapshot(`
      "block 0 {
        x0: f32[2,3] (data)
        reduce_sum_0: f32[2,1] = reduce_sum_p(x0) {axis=[1], keepdim=true}
        fill_constant_0: f32[2,1] = fill_constant_p() {shape=[2,1], dtype="float32", value=3}
        reduce_mean_0: f32[2,1] = div_p(reduce_sum_0, fill_constant_0)
      }"
    `);
  });
});
