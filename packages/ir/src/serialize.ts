import { isDType, type DType } from './dtype.js';
import { ArgumentError } from './errors.js';
import { Op, Program, type AttrValue, type Attrs, type Var } from './program.js';
import type { Registry } from './registry.js';
import { isValidShape } from './shape.js';
import { verifyBlock } from './verify.js';

export const PROGRAM_FORMAT = 'primgrad.program';
export const PROGRAM_FORMAT_VERSION = 1;

export interface VarJSON {
  name: string;
  shape: number[];
  dtype: DType;
  persistable?: boolean;
  isParameter?: boolean;
  isData?: boolean;
  stopGradient?: boolean;
}

export interface OpJSON {
  type: string;
  inputs: string[];
  outputs: string[];
  attrs: Attrs;
}

export interface ProgramJSON {
  format: typeof PROGRAM_FORMAT;
  version: number;
  blocks: { vars: VarJSON[]; ops: OpJSON[] }[];
}

/** Returns a plain-JSON description of `program`: its vars with flags, and its ops by var name. */
export function programToJSON(program: Program): ProgramJSON {
  return {
    format: PROGRAM_FORMAT,
    version: PROGRAM_FORMAT_VERSION,
    blocks: program.blocks.map((block) => ({
      vars: [...block.vars.values()].map((v) => ({
        name: v.name,
        shape: [...v.shape],
        dtype: v.dtype,
        persistable: v.persistable,
        isParameter: v.isParameter,
        isData: v.isData,
        stopGradient: v.stopGradient,
      })),
      ops: block.ops.map((op) => ({
        type: op.type,
        inputs: op.inputs.map((v) => v.name),
        outputs: op.outputs.map((v) => v.name),
        attrs: op.attrs,
      })),
    })),
  };
}

function fail(path: string, detail: string): never {
  throw new ArgumentError(`Invalid program JSON at ${path}: ${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkAttr(path: string, value: unknown): AttrValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `attr value ${value} is not a finite number.`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => checkAttr(`${path}[${i}]`, v));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, checkAttr(`${path}.${k}`, v)]));
  return fail(path, `attr value of type ${typeof value} is not JSON.`);
}

/**
 * Rebuilds a program from `programToJSON` output (or its JSON.parse), checking the structure
 * as it reads. With a registry, every block is also verified against it (op types, shape
 * inference, definition before use), so a program from an untrusted file fails here rather
 * than inside a kernel.
 */
export function programFromJSON(json: unknown, registry?: Registry): Program {
  if (!isObject(json)) fail('$', 'expected an object.');
  if (json.format !== PROGRAM_FORMAT) fail('$.format', `expected '${PROGRAM_FORMAT}', got ${JSON.stringify(json.format)}.`);
  if (json.version !== PROGRAM_FORMAT_VERSION) {
    fail('$.version', `this reader supports version ${PROGRAM_FORMAT_VERSION}, got ${JSON.stringify(json.version)}.`);
  }
  if (!Array.isArray(json.blocks) || json.blocks.length === 0) fail('$.blocks', 'expected a non-empty array of blocks.');
  const program = new Program();
  json.blocks.forEach((blockJSON: unknown, bi: number) => {
    const at = `$.blocks[${bi}]`;
    if (!isObject(blockJSON) || !Array.isArray(blockJSON.vars) || !Array.isArray(blockJSON.ops)) {
      fail(at, 'expected an object with vars and ops arrays.');
    }
    const block = bi === 0 ? program.globalBlock() : program.appendBlock();
    blockJSON.vars.forEach((v: unknown, vi: number) => {
      const path = `${at}.vars[${vi}]`;
      if (!isObject(v) || typeof v.name !== 'string' || v.name.length === 0) fail(path, 'expected a var with a name.');
      if (!isValidShape(v.shape)) fail(`${path}.shape`, `expected non-negative integer dims, got ${JSON.stringify(v.shape)}.`);
      if (!isDType(v.dtype)) fail(`${path}.dtype`, `expected float32, float64, int32 or bool, got ${JSON.stringify(v.dtype)}.`);
      if (block.hasVar(v.name)) fail(path, `var '${v.name}' is declared twice.`);
      block.createVar({
        name: v.name,
        shape: v.shape,
        dtype: v.dtype,
        persistable: v.persistable === true,
        isParameter: v.isParameter === true,
        isData: v.isData === true,
        stopGradient: typeof v.stopGradient === 'boolean' ? v.stopGradient : undefined,
      });
    });
    const lookup = (path: string, name: unknown): Var => {
      if (typeof name !== 'string' || !block.hasVar(name)) fail(path, `var ${JSON.stringify(name)} is not declared in this block.`);
      return block.var(name);
    };
    blockJSON.ops.forEach((o: unknown, oi: number) => {
      const path = `${at}.ops[${oi}]`;
      if (!isObject(o) || typeof o.type !== 'string') fail(path, 'expected an op with a type.');
      if (!Array.isArray(o.inputs) || !Array.isArray(o.outputs)) fail(path, 'expected inputs and outputs arrays of var names.');
      const attrs = o.attrs === undefined ? {} : checkAttr(`${path}.attrs`, o.attrs);
      if (!isObject(attrs)) fail(`${path}.attrs`, 'expected an object.');
      const inputs = o.inputs.map((n: unknown, i: number) => lookup(`${path}.inputs[${i}]`, n));
      const outputs = o.outputs.map((n: unknown, i: number) => lookup(`${path}.outputs[${i}]`, n));
      block.appendOp(new Op(o.type, inputs, outputs, attrs as Attrs));
    });
    if (registry) verifyBlock(block, registry);
  });
  return program;
}
