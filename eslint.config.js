// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The layers of src, lowest first: a module imports from its own layer or lower ones (src/errors.ts
// from any, src/index.ts imports them all), and only src/xml touches @xmldom/xmldom.
const LAYERS = ['xml', 'metadata', 'devices', 'binding', 'domain', 'cli'];
const layerRules = LAYERS.map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  const patterns =
    above.length === 0
      ? []
      : [
          {
            regex: `^(\\.\\./)+(${above.join('|')})/`,
            message: `src/${layer} may import only from its own layer or lower ones (${LAYERS.join(' -> ')}).`,
          },
        ];
  const paths =
    layer === 'xml'
      ? []
      : [{ name: '@xmldom/xmldom', message: 'Only src/xml touches @xmldom/xmldom: use its wrappers.' }];
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  };
});

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'docs/', 'bench/peers/', '**/*.mjs', 'eslint.config.js'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // A view class merges with an interface that types the accessors defineAccessors installs from
    // its table (`interface Video extends Accessors<typeof F> {}`): merging is the point, and the
    // interface has no members of its own.
    files: ['src/devices/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  ...layerRules,
  prettier,
);
