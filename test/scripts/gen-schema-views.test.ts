import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { OUT_DIR, generate } from '../../scripts/gen-schema-views.js';
import { SCHEMAS, requireSchemas } from '../helpers/schemas.js';

describe('generated schema views', () => {
  before(function () {
    requireSchemas(this, 'generated-view check');
  });

  it('src/devices/schema is what scripts/gen-schema-views.ts writes from the schema (rerun it and commit)', async () => {
    const files = await generate(SCHEMAS);
    expect(readdirSync(OUT_DIR).sort()).to.deep.equal([...files.keys()].sort());
    for (const [name, text] of files) {
      expect(readFileSync(join(OUT_DIR, name), 'utf8'), `src/devices/schema/${name} is stale`).to.equal(text);
    }
  });
});
