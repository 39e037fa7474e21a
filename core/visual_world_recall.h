#pragma once
// Text that teaches the one skill binding asks of the language model: find the
// earlier line with the same key and copy the name that followed it (the
// "match-then-copy through a textual key" curriculum of docs/training.md, "Fourth
// run"). A binding episode asks it once per document; a recall document asks it
// on most of its lines.
#include "core/visual_world.h"

namespace flamingo::world {

// 2..5 nonsense words (the text-only cycle: every word, held-out ones included),
// each bound to a shape key, then up to 20 more lines keyed the same way: a seen
// word is repeated ("[circle] This is a dax.") or asked for ("[circle] Question:
// what is this? Short answer: dax", an answer span). Keys are bare shape names or
// whole scene keys, half and half, as in text-only binding.
Document recall_document(Generator& generator);

// The plainest copying: 3..10 nonsense words, then the same words again, once or
// twice ("kudax blifeg zowuf.<|endofchunk|>kudax blifeg zowuf.<|endofchunk|>"). Every
// syllable after the first line is predictable only by looking back at the earlier
// one, which is how a language model forms induction heads (Olsson et al., 2022).
// With `distinct`, the line is 2..4 words among which no syllable occurs twice, so a
// plain induction head (find the earlier copy of this piece, read what followed it)
// copies all of it; with words of 8 heads and 4 tails a line usually repeats a piece,
// and "what followed it" is ambiguous (docs/training.md, sixteenth run). With
// `shuffled`, each later line says the words in a new order, so copying from the same
// place one line up no longer works: a word's tail must be found from its own heads, as
// a binding answer's must (seventeenth run).
Document repeat_document(Generator& generator, bool distinct = false, bool shuffled = false);

// Copying out of sentences: the words of a repeat document, each named in its own
// chunk as a binding episode names them ("This is a kudax.<|endofchunk|>"), then each
// asked for once, in a new order, with the answer cue and no key ("Question: what is
// this? Short answer: kudax"). Which word an answer is cannot be known until its first
// piece (the last one can), but the rest of it can only be read from its sentence:
// the skill a binding answer needs, which the one command's language models lack
// though they copy repeated lines. In 1,500 steps of tuning these documents did not
// teach it to them (docs/training.md, nineteenth run). `distinct` as above.
Document named_document(Generator& generator, bool distinct = false);

}  // namespace flamingo::world
