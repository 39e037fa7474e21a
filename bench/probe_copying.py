#!/usr/bin/env python3
"""Does a language model look names and attributes up in its context?

Text-only probes of docs/training.md ("Third run"): a line of new words said
again ("kudax blifeg zowuf moyig. kudax blifeg" -> is " zowuf" the likeliest of the
four?), the same across an <|endofchunk|> as stage 1 writes it, then with the four
tails as the options (is " zowuf" copied to its end, not just "zowu"?), binding texts keyed by shape
("[circle] This is a kudax. ... [circle] Question: what is this? Short answer:"),
scored with `flamingo score` (is the keyed name ranked first among the episode's
names?), new words in a line or named one a sentence and their tails after the
answer cue ("This is a kudax.<|endofchunk|>... Short answer: kuda" -> " kudax"?),
and a lookup question ("[small blue circle at 3,4; large red star at 6,6] Question:
what shape is blue?", six shapes ranked).

Usage: bench/probe_copying.py MODEL_DIR [PROMPTS]
MODEL_DIR may be a whole model or a language model alone (a config.json without
the vision parts beside a stage's language/params.safetensors).
The environment variable FLAMINGO names another flamingo binary than build/app/flamingo.
"""
import os
import random
import subprocess
import sys

FLAMINGO = os.environ.get("FLAMINGO") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "app", "flamingo")
HEADS = ["da", "bli", "wu", "zo", "fe", "ku", "mo", "yi"]
TAILS = ["x", "cket", "g", "f"]
SHAPES = ["circle", "square", "triangle", "star", "cross", "heart"]
COLOURS = ["red", "blue", "green", "yellow", "white", "orange", "purple", "black"]


def best(model, prompt, options):
    args = [FLAMINGO, "score", "--model", model, "--prompt", prompt]
    for o in options:
        args += ["--option", " " + o]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return out.split('"')[1].strip()  # the first line is the most likely option


def binding(model, n, ways, rng):
    right = 0
    for _ in range(n):
        words = distinct(ways, lambda: two_or_three_syllables(rng))
        shapes = rng.sample(SHAPES, ways)
        prompt = "".join(f"[{shapes[w]}] This is a {words[w]}.<|endofchunk|>" for w in range(ways))
        q = rng.randrange(ways)
        prompt += f"[{shapes[q]}] Question: what is this? Short answer:"
        right += best(model, prompt, words) == words[q]
    return right / n


def distinct(count, draw):
    """count distinct words from draw() in the order drawn (a set's order would change with the hash seed)."""
    words = []
    while len(words) < count:
        w = draw()
        if w not in words:
            words.append(w)
    return words


def two_or_three_syllables(rng):
    h = rng.sample(HEADS, 2)
    return h[0] + (h[1] if rng.random() < 0.7 else "") + rng.choice(TAILS)


def three_syllable_words(count, rng):
    def draw():
        h = rng.sample(HEADS, 2)
        return h[0] + h[1] + rng.choice(TAILS)
    return distinct(count, draw)


def repeat(model, n, rng, separator):
    """A line of four new words, then its first two again: is the third word next?
    With separator ".<|endofchunk|>" the prompt has the form of stage 1's repeat documents."""
    right = 0
    for _ in range(n):
        words = three_syllable_words(4, rng)
        prompt = " ".join(words) + separator + " ".join(words[:2])
        right += best(model, prompt, words) == words[2]
    return right / n


def tail(model, n, rng):
    """As repeat across a chunk end, but the four options are the third word with each
    of the four tails: is the word copied to its end, or only its first syllables?"""
    right = 0
    for _ in range(n):
        words = three_syllable_words(4, rng)
        stem = next(words[2][:-len(t)] for t in TAILS if words[2].endswith(t))
        prompt = " ".join(words) + ".<|endofchunk|>" + " ".join(words[:2])
        right += best(model, prompt, [stem + t for t in TAILS]) == words[2]
    return right / n


def cued_tail(model, n, rng, sentences):
    """Four new words in a line, or named one a sentence as binding episodes name them,
    then the answer cue and the stem of one of them: is its tail copied? The one
    command's language models do this from a line but not from sentences
    (docs/training.md, "Nineteenth run")."""
    right = 0
    for _ in range(n):
        stems = distinct(4, lambda: "".join(rng.sample(HEADS, 2)))
        words = [stem + rng.choice(TAILS) for stem in stems]
        w = rng.choice(words)
        stem = next(w[:-len(t)] for t in TAILS if w.endswith(t))
        if sentences:
            context = "".join(f"This is a {v}.<|endofchunk|>" for v in words)
        else:
            context = " ".join(words) + ".<|endofchunk|>"
        prompt = context + "Question: what is this? Short answer:"
        right += best(model, prompt, [stem + t for t in TAILS]) == w
    return right / n


def lookup(model, n, rng):
    right = 0
    for _ in range(n):
        s, c = rng.sample(SHAPES, 2), rng.sample(COLOURS, 2)
        prompt = (f"[small {c[0]} {s[0]} at 3,4; large {c[1]} {s[1]} at 6,6] "
                  f"Question: what shape is {c[0]}? Short answer:")
        right += best(model, prompt, SHAPES) == s[0]
    return right / n


def main():
    model = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rng = random.Random(5)
    print(f"repeat, third word of a line seen once (chance 0.25): {repeat(model, n, rng, '. '):.2f}")
    print(f"repeat across a chunk end (chance 0.25): {repeat(model, n, rng, '.<|endofchunk|>'):.2f}")
    print(f"tail, that word's last syllable (chance 0.25): {tail(model, n, rng):.2f}")
    print(f"tail of a word of a line, after the answer cue (chance 0.25): {cued_tail(model, n, rng, False):.2f}")
    print(f"tail of a word named in a sentence, after the answer cue (chance 0.25): {cued_tail(model, n, rng, True):.2f}")
    print(f"binding, 2 ways (chance 0.50): {binding(model, n, 2, rng):.2f}")
    print(f"binding, 5 ways (chance 0.20): {binding(model, n, 5, rng):.2f}")
    print(f"lookup, shape by colour (chance 0.17): {lookup(model, n, rng):.2f}")


if __name__ == "__main__":
    main()
