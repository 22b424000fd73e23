/**
 * Generated well-formed XML documents: names with and without prefixes, namespace declarations
 * (default and prefixed, redeclared below), text with references and characters XML treats
 * specially, CDATA, comments, processing instructions, XML declarations, CR LF line endings.
 */
import fc from 'fast-check';

const NAMES = ['a', 'disk', 'x-y', '_z', 'é', 'n.1', 'ovirt', 'h\u00B7i'];
const PREFIXES = ['p', 'q', 'ovirt-vm'];
const URIS = ['urn:a', 'urn:b', 'http://ovirt.org/vm/1.0', ' urn:spaced '];

/** Pieces of text that together exercise escaping, entities, line ends and non-ASCII. */
const textPiece = fc.constantFrom(
  'plain',
  ' ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '&amp;',
  '&lt;',
  '&gt;',
  '>',
  ']]&gt;',
  ']]',
  '\u2028',
  '\u2029',
  '\u0085',
  '😀',
  '&#10;',
  '&#13;',
  '&#x1F600;',
  '&quot;',
  '&apos;',
  "'",
  '"',
  'é',
  '\u00A0',
  '&#9;',
);
const attrPiece = fc.constantFrom(
  'v',
  ' ',
  '&amp;',
  '&lt;',
  '>',
  '&quot;',
  "'",
  '\t',
  '\n',
  '\r\n',
  '&#10;',
  '&#9;',
  '&#13;',
  '\u2028',
  '😀',
  ']]>',
  '&apos;',
  '=',
);
const cdataPiece = fc.constantFrom('x', ']]', ']', '>', '<', '&', '\n', '\r\n', '😀', ' ', '\u2028');
const commentPiece = fc.constantFrom('c', ' ', '-', 'x-y', '\n', '😀', '<', '&', '>');
const piPiece = fc.constantFrom('d', ' ', '?', '>', 'a="b"', '\n', '😀', '<');

const join0 = (a: fc.Arbitrary<string[]>) => a.map((xs) => xs.join(''));
// No ']]>' in text, also not across two adjacent text children: none ends with ']'.
const text = join0(fc.array(textPiece, { minLength: 1, maxLength: 6 })).map((s) =>
  s.replaceAll(']]>', ']]&gt;').replace(/\]$/, '].'),
);
const cdata = join0(fc.array(cdataPiece, { maxLength: 6 })).map(
  (s) => `<![CDATA[${s.replaceAll(']]>', ']] >')}]]>`,
);
const comment = join0(fc.array(commentPiece, { maxLength: 6 })).map((s) => {
  let c = s;
  while (c.includes('--')) c = c.replace('--', '- -');
  return `<!--${c.endsWith('-') ? c + ' ' : c}-->`;
});
const pi = fc
  .tuple(
    fc.constantFrom('pi', 'xml-stylesheet', 'a.b', 'x_y', 'é'),
    join0(fc.array(piPiece, { maxLength: 5 })),
    fc.boolean(),
  )
  .map(([target, data, space]) => {
    const d = data.replaceAll('?>', '? >');
    return d === '' ? `<?${target}${space ? ' ' : ''}?>` : `<?${target} ${d}?>`;
  });

interface GenElement {
  name: [number, number | undefined];
  attrs: { name: [number, number | undefined]; value: string; single: boolean; gap: string }[];
  decls: { prefix: number | undefined; uri: number }[];
  children: (GenElement | string)[];
  selfClose: boolean;
  endGap: string;
}

const gap = fc.constantFrom(' ', '\n  ', '\t', ' \r\n ');
const qname = fc.tuple(fc.nat(NAMES.length - 1), fc.option(fc.nat(PREFIXES.length - 1), { nil: undefined }));

const { element } = fc.letrec<{ element: GenElement; node: GenElement | string }>((tie) => ({
  element: fc.record({
    name: qname,
    attrs: fc.array(
      fc.record({
        name: qname,
        value: join0(fc.array(attrPiece, { maxLength: 5 })),
        single: fc.boolean(),
        gap,
      }),
      { maxLength: 4 },
    ),
    decls: fc.array(
      fc.record({
        prefix: fc.option(fc.nat(PREFIXES.length - 1), { nil: undefined }),
        uri: fc.nat(URIS.length - 1),
      }),
      { maxLength: 2 },
    ),
    children: fc.array(tie('node'), { maxLength: 4 }),
    selfClose: fc.boolean(),
    endGap: fc.constantFrom('', '', ' ', '\n'),
  }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, tie('element'), cdata, comment, pi),
}));

/**
 * Renders a generated element. Undeclared prefixes get a declaration where they are used; duplicate
 * attributes (by name or by namespace and local name) are dropped: the document stays well-formed.
 */
function render(el: GenElement, scope: ReadonlyMap<string, string>): string {
  const local = new Map(scope);
  /** Declarations on this element, by prefix ('' for the default namespace). */
  const decls = new Map<string, string>();
  for (const d of el.decls) {
    const prefix = d.prefix === undefined ? '' : (PREFIXES[d.prefix] as string);
    local.set(prefix, URIS[d.uri] as string);
    decls.set(prefix, URIS[d.uri] as string);
  }
  const qn = ([n, p]: [number, number | undefined]): string => {
    const name = NAMES[n] as string;
    if (p === undefined) return name;
    const prefix = PREFIXES[p] as string;
    if (!local.has(prefix)) {
      const uri = URIS[(n + p) % URIS.length] as string;
      local.set(prefix, uri);
      decls.set(prefix, uri);
    }
    return `${prefix}:${name}`;
  };
  const tag = qn(el.name);
  const seen = new Set<string>();
  const attrs: string[] = [];
  for (const a of el.attrs) {
    const name = qn(a.name);
    const prefix = name.includes(':') ? name.slice(0, name.indexOf(':')) : undefined;
    const expanded =
      prefix === undefined ? name : `{${local.get(prefix)}}${name.slice(name.indexOf(':') + 1)}`;
    if (seen.has(name) || seen.has(expanded)) continue;
    seen.add(name);
    seen.add(expanded);
    const q = a.single ? "'" : '"';
    const value = a.value.replaceAll(q, q === '"' ? '&quot;' : '&apos;');
    attrs.push(`${a.gap}${name}=${q}${value}${q}`);
  }
  const declared = [...decls].map(
    ([prefix, uri]) => ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${uri}"`,
  );
  const start = `<${tag}${declared.join('')}${attrs.join('')}`;
  if (el.children.length === 0 && el.selfClose) return `${start}${el.endGap}/>`;
  const inner = el.children.map((c) => (typeof c === 'string' ? c : render(c, local))).join('');
  return `${start}${el.endGap}>${inner}</${tag}${el.endGap}>`;
}

const misc = fc.array(fc.oneof(comment, pi, gap), { maxLength: 3 }).map((xs) => xs.join(''));
export const wellFormedDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      '',
      '<?xml version="1.0"?>',
      "<?xml version='1.0' encoding='UTF-8'?>\n",
      '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>\r\n',
      '<?xml version="1.1"?>',
    ),
    misc,
    element,
    misc,
  )
  .map(([decl, before, root, after]) => decl + before + render(root, new Map()) + after);
