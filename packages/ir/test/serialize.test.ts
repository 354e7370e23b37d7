import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Builder,
  PLUGIN_CONTRACT_VERSION,
  Program,
  VerifyError,
  createRegistry,
  inferBroadcast,
  printProgram,
  programFromJSON,
  programToJSON,
  type OpDef,
} from '../src/index.js';

const addDef: OpDef = {
  type: 'add',
  kind: 'orig',
  inputs: ['x', 'y'],
  infer: (inputs) => [inferBroadcast('add', inputs, ['x', 'y'])],
};
const registry = createRegistry([{ name: 'test-ops', contract: PLUGIN_CONTRACT_VERSION, ops: [addDef] }]);

function sample(): Program {
  const program = new Program();
  const block = program.globalBlock();
  const b = new Builder(block, registry);
  const x = block.createVar({ name: 'x', shape: [2, 3], dtype: 'float32', isData: true });
  const w = block.createVar({ name: 'w', shape: [3], dtype: 'float32', persistable: true, isParameter: true });
  b.emit1('add', [b.emit1('add', [x, w]), w], {});
  return program;
}

describe('program JSON', () => {
  it('round-trips through JSON text', () => {
    const program = sample();

    const restored = programFromJSON(JSON.parse(JSON.stringify(programToJSON(program))), registry);

    expect(printProgram(restored)).toBe(printProgram(program));
    expect(restored.globalBlock().var('w').isParameter).toBe(true);
  });

  const bad: { case: string; edit: (json: any) => void; message: RegExp }[] = [
    { case: 'another format', edit: (j) => (j.format = 'onnx'), message: /\$\.format: expected 'primgrad\.program', got "onnx"/ },
    { case: 'a newer version', edit: (j) => (j.version = 2), message: /\$\.version: this reader supports version 1, got 2/ },
    { case: 'a negative dim', edit: (j) => (j.blocks[0].vars[0].shape = [-1, 3]), message: /vars\[0\]\.shape: expected non-negative integer dims/ },
    { case: 'an unknown dtype', edit: (j) => (j.blocks[0].vars[0].dtype = 'float16'), message: /vars\[0\]\.dtype: expected float32/ },
    { case: 'a var declared twice', edit: (j) => j.blocks[0].vars.push(j.blocks[0].vars[0]), message: /var 'x' is declared twice/ },
    { case: 'an undeclared input', edit: (j) => (j.blocks[0].ops[0].inputs[1] = 'nope'), message: /ops\[0\]\.inputs\[1\]: var "nope" is not declared/ },
    { case: 'a non-finite attr', edit: (j) => (j.blocks[0].ops[0].attrs = { scale: Infinity }), message: /attrs\.scale: attr value Infinity is not a finite number/ },
  ];

  it.each(bad)('rejects $case', ({ edit, message }) => {
    const json = JSON.parse(JSON.stringify(programToJSON(sample())));
    edit(json);

    expect(() => programFromJSON(json, registry)).toThrow(ArgumentError);
    expect(() => programFromJSON(json, registry)).toThrow(message);
  });

  it('verifies ops against the registry', () => {
    const json = JSON.parse(JSON.stringify(programToJSON(sample())));
    json.blocks[0].vars.find((v: { name: string }) => v.name === 'w').shape = [4];

    expect(() => programFromJSON(json, registry)).toThrow(VerifyError);
    expect(() => programFromJSON(json, registry)).toThrow(/op #0 'add': add: shapes \[2,3\] and \[4\] do not broadcast/);
  });
});
