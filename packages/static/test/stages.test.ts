import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry, printBlock, Program } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { data, disablePrim, mul, programGuard, sum, tanh } from '../src/index.js';

const registry = createRegistry([origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, transposeRulesPlugin]);

afterEach(() => disablePrim());

// The printed program after each stage of one reverse-mode gradient, d sum(tanh(x * w)) / dx.
describe('program stages', () => {
  it('print as expected from native ops to raised gradient', () => {
    const main = new Program();
    const block = main.globalBlock();
    const { x, y } = programGuard(
      main,
      new Program(),
      () => {
        const x = data('x', [3], 'float64');
        const w = data('w', [3], 'float64');
        return { x, y: sum(tanh(mul(x, w))) };
      },
      { registry },
    );
    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[3] (data)
        w: f64[3] (data)
        mul_0: f64[3] = mul(x, w)
        tanh_0: f64[3] = tanh(mul_0)
        reduce_sum_0: f64[] = reduce_sum(tanh_0) {axis=null, keepdim=false}
      }"
    `);

    orig2prim(block, registry);
    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[3] (data)
        w: f64[3] (data)
        mul_0: f64[3] = mul_p(x, w)
        tanh_0: f64[3] = tanh_p(mul_0)
        reduce_sum_0: f64[] = reduce_sum_p(tanh_0) {axis=[0], keepdim=false}
      }"
    `);

    const { xsDot, ysDot } = linearize(block, registry, [x], [y]);
    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[3] (data)
        w: f64[3] (data)
        x_dot: f64[3] (data)
        mul_0: f64[3] = mul_p(x, w)
        tanh_0: f64[3] = tanh_p(mul_0)
        reduce_sum_0: f64[] = reduce_sum_p(tanh_0) {axis=[0], keepdim=false}
        mul_2: f64[3] = mul_p(x_dot, w)
        fill_constant_0: f64[3] = fill_constant_p() {shape=[3], dtype="float64", value=1}
        mul_3: f64[3] = mul_p(tanh_0, tanh_0)
        sub_0: f64[3] = sub_p(fill_constant_0, mul_3)
        mul_4: f64[3] = mul_p(sub_0, mul_2)
        reduce_sum_2: f64[] = reduce_sum_p(mul_4) {axis=[0], keepdim=false}
      }"
    `);

    const { xsBar } = transpose(block, registry, xsDot, ysDot);
    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[3] (data)
        w: f64[3] (data)
        reduce_sum_2_bar: f64[] (data)
        mul_0: f64[3] = mul_p(x, w)
        tanh_0: f64[3] = tanh_p(mul_0)
        reduce_sum_0: f64[] = reduce_sum_p(tanh_0) {axis=[0], keepdim=false}
        fill_constant_0: f64[3] = fill_constant_p() {shape=[3], dtype="float64", value=1}
        mul_3: f64[3] = mul_p(tanh_0, tanh_0)
        sub_0: f64[3] = sub_p(fill_constant_0, mul_3)
        reshape_0: f64[1] = reshape_p(reduce_sum_2_bar) {shape=[1]}
        broadcast_0: f64[3] = broadcast_p(reshape_0) {shape=[3]}
        mul_5: f64[3] = mul_p(broadcast_0, sub_0)
        mul_6: f64[3] = mul_p(mul_5, w)
      }"
    `);

    prim2orig(block, registry);
    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[3] (data)
        w: f64[3] (data)
        reduce_sum_2_bar: f64[] (data)
        mul_0: f64[3] = mul(x, w)
        tanh_0: f64[3] = tanh(mul_0)
        reduce_sum_0: f64[] = reduce_sum(tanh_0) {axis=[0], keepdim=false}
        fill_constant_0: f64[3] = fill_constant() {shape=[3], dtype="float64", value=1}
        mul_3: f64[3] = mul(tanh_0, tanh_0)
        sub_0: f64[3] = sub(fill_constant_0, mul_3)
        reshape_0: f64[1] = reshape(reduce_sum_2_bar) {shape=[1]}
        broadcast_0: f64[3] = broadcast_to(reshape_0) {shape=[3]}
        mul_5: f64[3] = mul(broadcast_0, sub_0)
        mul_6: f64[3] = mul(mul_5, w)
      }"
    `);
    expect(xsBar[0]!.shape).toEqual([3]);
  });
});
