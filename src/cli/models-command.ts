// `mmucheck models`: the bundled models, each with its one-line description, its constants
// (defaults) and its variants (the members of each enum-valued constant).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkFile } from '../check/check.ts';
import { bundledModels, PACKAGE_ROOT } from './bundled.ts';
import { EXIT } from './check-command.ts';
import { colorFor } from './output.ts';

interface ModelEntry {
  /** What `mmucheck check NAME` takes, from any folder. */
  name: string;
  /** The file, relative to the package's folder. */
  file: string;
  model: string;
  description: string;
  constants: { name: string; default: number | boolean | string; variants?: string[] }[];
}

/** The first sentence of the comment paragraph that opens the file, after `model NAME;`. */
export function describeModel(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*model\s+\w+\s*;/.test(l));
  const para: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\s*\/\/\s?(.*)$/.exec(l);
    if (!m) {
      if (para.length) break;
      continue;
    }
    if (!m[1].trim()) {
      if (para.length) break;
      continue;
    }
    para.push(m[1].trim());
  }
  const joined = para.join(' ');
  // A sentence ends at a period after a lower-case word or a closing bracket (not an initial).
  const sentence = /^(.*?[a-z0-9)\]"'`])\.(\s|$)/.exec(joined)?.[1] ?? joined;
  return sentence.length > 140 ? sentence.slice(0, 139) + '…' : sentence;
}

function bundled(): ModelEntry[] {
  const entries: ModelEntry[] = [];
  for (const { name, path } of bundledModels()) {
    const checked = checkFile(path);
    if (!checked.model) continue;
    entries.push({
      name,
      file: relative(PACKAGE_ROOT, path),
      model: checked.model.name,
      description: describeModel(readFileSync(path, 'utf8')),
      constants: checked.model.constants.map((c) => ({
        name: c.name,
        default: c.type.kind === 'bool' ? c.value !== 0 : c.type.kind === 'enum' ? c.type.members[c.value] : c.value,
        ...(c.type.kind === 'enum' ? { variants: [...c.type.members] } : {}),
      })),
    });
  }
  return entries;
}

export function modelsCommand(flags: { json?: boolean; color?: boolean }): number {
  const out = process.stdout;
  const color = colorFor(out, flags.color);
  const all = bundled();
  if (flags.json) {
    out.write(JSON.stringify(all, null, 2) + '\n');
    return EXIT.pass;
  }
  for (const m of all) {
    out.write(`${color.bold(m.name)}  ${m.description}\n`);
    const consts = m.constants.map((c) => (c.variants ? `${c.name}=${c.default} (${c.variants.join(' | ')})` : `${c.name}=${c.default}`));
    if (consts.length) out.write(`    ${consts.join(', ')}\n`);
  }
  out.write(`\n${all.length} models; check one by name from any folder: mmucheck check ${all[0]?.name ?? 'NAME'} [--const NAME=VALUE]\n`);
  return EXIT.pass;
}
