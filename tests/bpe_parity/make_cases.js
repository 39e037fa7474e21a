// Writes test strings and the ids that Hugging Face `tokenizers` (the Rust library,
// as the npm package @anush008/tokenizers) gives them, for tests/test_bpe_tokenizer.cpp.
// Usage: node make_cases.js TOKENIZER_JSON OUT_JSON [COUNT]
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

const [tokenizerPath, outPath, countArg] = process.argv.slice(2);
if (!tokenizerPath || !outPath) {
  console.error('usage: node make_cases.js TOKENIZER_JSON OUT_JSON [COUNT]');
  process.exit(2);
}
const COUNT = Number(countArg || 12000);

// mulberry32: a small seeded generator, so every run writes the same strings.
let seed = 0x5eed1234;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const repeat = (n, f) => Array.from({ length: n }, f).join('');
const fromRange = (lo, hi) => String.fromCodePoint(lo + int(hi - lo + 1));

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'Flamingo', 'image', 'colour',
  'naïve', 'café', 'résumé', 'Straße', 'İstanbul', 'ǅemal', 'ﬁne', 'OpenFlamingo', 'assistant', 'assistants',
  'RWKV', 'rwkv', 'HELLO', 'x', 'I', 'a', 'Zürich', 'œuvre', 'façade', 'jalapeño'];
const CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'LL", "'D", "'x", "''", "’s"];
const SCRIPTS = [
  [0x0410, 0x044f], // Cyrillic
  [0x0391, 0x03c9], // Greek
  [0x4e00, 0x9fa5], // CJK ideographs
  [0x3041, 0x3096], // Hiragana
  [0x30a1, 0x30fa], // Katakana
  [0xac00, 0xd7a3], // Hangul syllables
  [0x0621, 0x064a], // Arabic letters
  [0x0905, 0x0939], // Devanagari letters
  [0x05d0, 0x05ea], // Hebrew
  [0x0e01, 0x0e2e], // Thai
];
const MARKS = [[0x0300, 0x036f], [0x093e, 0x094d], [0x064b, 0x0652], [0x0e31, 0x0e3a], [0x20d0, 0x20f0]];
// Sequences that NFC changes: decomposed letters, singletons, Hangul jamo.
const NFC_CHANGES = ['e\u0301', 'A\u030a', '\u212b', '\u2126', '\u1100\u1161', '\u1100\u1161\u11a8', 'o\u0308\u0304',
  'n\u0303', '\u0041\u0328\u0301', 'q\u0307\u0323', '\u0915\u093c', '\u00c5\u0301', '\u1e0b\u0323', 'i\u0307'];
const EMOJI = ['😀', '🦩', '👍', '👍🏽', '👩‍🚀', '👩🏽‍🚀', '👨‍👩‍👧‍👦', '🏳️‍🌈', '❤️', '🇯🇵', '🇫🇷', '#️⃣', '1️⃣',
  '🧑🏿‍🤝‍🧑🏻', '☕', '✨', '🙂‍↔️', '😶‍🌫️', '🫠', '👋🏼'];
const SPACES = [' ', '  ', '   ', '\t', '\n', '\r\n', '\n\n', '\u00a0', '\u3000', '\u2009', '\u202f', '\u2028',
  '\u0085', '\u000b', '\u000c', '\u200b', '\ufeff', '\u180e', '\u001c', '\u001f', '\u1680', '\u205f'];
const PUNCT = ['.', ',', '!', '?', '...', '—', '–', '-', '(', ')', '[', ']', '{', '}', '"', '“', '”', '«', '»',
  '¿', '¡', '、', '。', '！', '؟', '॥', '@', '#', '$', '%', '^', '&', '*', '~', '`', '|', '\\', '/', ':', ';',
  '<', '>', '=', '+', '_', '§', '©', '™', '°', '€', '¥', '→', '∑', '√'];
const NUMBERS = () => pick([
  () => String(int(100000)), () => (rand() * 1000).toFixed(int(5)), () => '1,234,567', () => '3.14e-10',
  () => '٠١٢٣٤٥', () => '२०२४', () => '²³¹', () => '½¾', () => 'Ⅻ', () => '①②', () => repeat(1 + int(30), () => String(int(10))),
  () => '0x' + int(1 << 30).toString(16), () => '-' + int(999), () => '12:30', () => '2024-01-15',
])();
const ADDED = ['<|endoftext|>', '<|padding|>', '<image>', '<|endofchunk|>', '<PAD>', '<|im_start|>', '<|im_end|>',
  '<|endoftext', '<image', '< image>', '<IMAGE>', '<|endofchunk|', '<<image>>', '<image><image>'];
const CODE = ['def f(x):\n    return x ** 2', 'for (int i = 0; i < n; ++i) {', '    if (a != b) return -1;',
  'const x = { a: 1, "b": [2, 3] };', '#include <vector>', 'SELECT * FROM t WHERE id = 42;',
  'fn main() -> Result<(), Box<dyn Error>> {', '  print(f"{name!r:>10}")', '$ ls -la | grep "\\.cpp$"',
  '<div class="x">&nbsp;</div>', 'x += y; // comment', '/* block */', 'λx.x', 'a_b_c = __init__'];

const GENERATORS = {
  latin: () => repeat(1 + int(12), () => pick(WORDS) + (rand() < 0.2 ? pick(CONTRACTIONS) : '') + pick([' ', ' ', ' ', ', ', '. ', '\n', '  '])),
  capitals: () => repeat(1 + int(6), () => { const w = pick(WORDS); return (rand() < 0.5 ? w.toUpperCase() : w) + pick(CONTRACTIONS) + ' '; }),
  script: () => { const [lo, hi] = pick(SCRIPTS); return repeat(1 + int(8), () => repeat(1 + int(8), () => fromRange(lo, hi)) + pick([' ', '', '\n', '،', '。'])); },
  marks: () => repeat(1 + int(10), () => pick(WORDS).slice(0, 1 + int(4)) + repeat(int(4), () => fromRange(...pick(MARKS))) + (rand() < 0.5 ? ' ' : '')),
  nfc: () => repeat(1 + int(8), () => pick(NFC_CHANGES) + pick(['', ' ', 'x', pick(WORDS)])),
  emoji: () => repeat(1 + int(8), () => pick(EMOJI) + pick(['', ' ', ' ', 'ok', '\n'])),
  spaces: () => repeat(1 + int(8), () => (rand() < 0.5 ? pick(WORDS) : '') + (rand() < 0.3 ? ' '.repeat(int(40)) : repeat(1 + int(4), () => pick(SPACES)))),
  code: () => repeat(1 + int(5), () => ' '.repeat(pick([0, 0, 2, 4, 8])) + pick(CODE) + '\n'),
  numbers: () => repeat(1 + int(8), () => NUMBERS() + pick([' ', '', ', ', '%', 'kg ', '\n'])),
  punct: () => repeat(1 + int(10), () => repeat(1 + int(4), () => pick(PUNCT)) + pick(['', ' ', 'a', '\n'])),
  added: () => repeat(1 + int(8), () => pick([pick(ADDED), pick(WORDS), ' ', '\n', pick(EMOJI), 'Output:', ' '.repeat(int(30))])),
  random_bmp: () => repeat(1 + int(20), () => fromRange(...pick([[0x20, 0x7e], [0xa0, 0x24f], [0x370, 0x52f], [0x2000, 0x2bff], [0x3000, 0x30ff], [0xff00, 0xffef]]))),
  random_astral: () => repeat(1 + int(10), () => fromRange(...pick([[0x1f300, 0x1f64f], [0x1d400, 0x1d7ff], [0x20000, 0x2a6d6], [0x10400, 0x1044f]]))),
  mixed: () => repeat(2 + int(10), () => Array.from(GENERATORS[pick(Object.keys(GENERATORS).filter((k) => k !== 'mixed'))]()).slice(0, 1 + int(20)).join('')),
};

// Byte strings with invalid UTF-8; the library sees them after Node's lossy
// decoding (WHATWG: one U+FFFD per maximal invalid subsequence).
function invalidBytes() {
  const parts = [];
  for (let n = 1 + int(6); n > 0; n--) {
    parts.push(Buffer.from(pick(WORDS) + pick(['', ' '])));
    parts.push(Buffer.from(pick([[0xff], [0xc0, 0x80], [0xe4, 0xbd], [0xed, 0xa0, 0x80], [0xf0, 0x9f], [0x80], [0xf5, 0x80],
      [0xe0, 0x80, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xc3], [0xfe, 0xfe]])));
  }
  return Buffer.concat(parts);
}

async function main() {
  const tok = Tokenizer.fromFile(tokenizerPath);
  // OpenFlamingo adds these as special tokens; the library numbers them after the file's.
  const extra = ['<|endofchunk|>', '<image>', '<PAD>'];
  tok.addSpecialTokens(extra);
  const added = extra.map((text) => ({ text, id: tok.tokenToId(text) }));
  const cases = [];
  const add = async (text, b64) => {
    const enc = await tok.encode(text);
    cases.push(b64 === undefined ? { text, ids: Array.from(enc.getIds()) } : { b64, ids: Array.from(enc.getIds()) });
  };
  for (const fixed of ['', 'Hello world', "The red ball's 12345 colour\n\nnew", ' ', '  ', ' '.repeat(100), 'a'.repeat(3000),
    'ab'.repeat(2000), repeat(2000, () => pick(PUNCT)), Buffer.from(repeat(3000, () => String.fromCharCode(int(128)))).toString('base64')]) {
    await add(fixed);
  }
  const kinds = Object.keys(GENERATORS);
  for (let i = 0; cases.length < COUNT; i++) {
    if (i % 25 === 0) {
      const bytes = invalidBytes();
      await add(bytes.toString('utf8'), bytes.toString('base64'));
    } else {
      await add(GENERATORS[kinds[i % kinds.length]]());
    }
  }
  fs.writeFileSync(outPath, JSON.stringify({ tokenizer: tokenizerPath, added, cases }));
  console.log(`wrote ${cases.length} cases to ${outPath}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
