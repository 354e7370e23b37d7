import { dtypeShortName } from './dtype.js';
import type { AttrValue, Attrs, Block, Program, Var } from './program.js';

function typeOf(v: Var): string {
  return `${dtypeShortName(v.dtype)}[${v.shape.join(',')}]`;
}

function formatAttr(value: AttrValue): string {
  if (Array.isArray(value)) return `[${value.map(formatAttr).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, AttrValue>).map(([k, v]) => `${k}=${formatAttr(v)}`).join(', ')}}`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function formatAttrs(attrs: Attrs): string {
  const entries = Object.entries(attrs);
  if (entries.length === 0) return '';
  return ` {${entries.map(([k, v]) => `${k}=${formatAttr(v)}`).join(', ')}}`;
}

function flags(v: Var): string {
  const f: string[] = [];
  if (v.isData) f.push('data');
  if (v.isParameter) f.push('param');
  else if (v.persistable) f.push('persistable');
  if (!v.stopGradient && (v.isData || v.persistable)) f.push('needs-grad');
  return f.join(' ');
}

/**
 * Prints a block as text: its inputs (data and persistable vars) with shapes and dtypes, then
 * one op per line as `outputs = type(inputs) {attrs}`.
 */
export function printBlock(block: Block): string {
  const lines: string[] = [`block ${block.idx} {`];
  const inputs = [...block.vars.values()].filter((v) => v.isData || v.persistable);
  for (const v of inputs) lines.push(`  ${v.name}: ${typeOf(v)} (${flags(v)})`);
  for (const op of block.ops) {
    const outs = op.outputs.map((v) => `${v.name}: ${typeOf(v)}`).join(', ');
    lines.push(`  ${outs} = ${op.type}(${op.inputs.map((v) => v.name).join(', ')})${formatAttrs(op.attrs)}`);
  }
  lines.push('}');
  return lines.join('\n');
}

export function printProgram(program: Program): string {
  return program.blocks.map(printBlock).join('\n');
}
