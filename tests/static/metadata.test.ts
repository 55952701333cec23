import { describe, it, expect } from '@jest/globals';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { expectedFiles } from '../../scripts/generate-metadata.js';
import { checkActionYml } from '../../scripts/check-dist.js';
import { ROOT, actionNames, loadSpec, metadataFiles } from '../../scripts/actions.js';

describe('generated metadata', () => {
  it('every committed action.yml and README table is what the generator writes from the spec', async () => {
    const stale: string[] = [];
    for (const [file, text] of await expectedFiles()) {
      const full = path.join(ROOT, file);
      if (!existsSync(full) || readFileSync(full, 'utf8') !== text) stale.push(file);
    }
    expect(stale).toEqual([]);
  });

  it('every action.yml declares exactly the spec inputs/outputs, uses node24, and points at an existing bundle', async () => {
    for (const name of actionNames()) {
      const spec = await loadSpec(name);
      for (const file of metadataFiles(name).actionYml) {
        const doc = parse(readFileSync(path.join(ROOT, file), 'utf8'));
        expect(Object.keys(doc.inputs)).toEqual(Object.keys(spec.inputs));
        expect(Object.keys(doc.outputs)).toEqual(Object.keys(spec.outputs));
        expect(checkActionYml(file)).toEqual([]);
        for (const key of Object.keys(spec.inputs)) expect(key).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      }
    }
  });
});
