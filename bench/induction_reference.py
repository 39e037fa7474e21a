#!/usr/bin/env python3
"""Does a language model of the bundled model's shape learn to copy from its context?

An independent PyTorch reference (python3-torch; CPU, or a GPU where there is one) for docs/training.md ("Fourth
run"): the bundled LLaMA shape (4 layers, width 128, 4 heads, SwiGLU 384, RoPE,
tied embeddings, vocabulary 301), AdamW (weight decay 0.1), warm-up and cosine decay,
clipping at 1, trained on lines of nonsense words (2-3 syllables of 40 each) repeated
2-3 times, packed into sequences. A syllable of a repeated line is predictable only by
looking back at the line's first copy (an induction head, Olsson et al., 2022).

Every 100 steps it prints the loss on first copies and on repeats: while the model
cannot copy, both sit near ln 40 = 3.7 nats on syllables; once it copies, the repeats'
loss falls towards 0.

Usage: bench/induction_reference.py STEPS [BATCH] [LR] [SEQ_TOKENS] [DEVICE] [world]
(DEVICE: cpu by default, or cuda; on cuda the threads setting does not apply. "world":
the visual world's words, 1-2 of 8 heads and one of 4 tails, with the loss on repeated
tails printed too.)
"""
import math
import random
import sys

import torch
import torch.nn.functional as F

V, D, H, LAYERS, HIDDEN = 301, 128, 4, 4, 384
E = D // H
SYLLABLES = list(range(20, 60))
BOS, SPACE, DOT, END = 1, 10, 11, 300


# The visual world's nonsense words (core/visual_world.cpp): one or two of 8 heads, then
# one of 4 tails, so that few pieces recur often within a line.
HEADS, TAILS = list(range(20, 28)), list(range(28, 32))
WORLD = False  # the 6th argument "world" picks these words


def word():
    if WORLD:
        return [SPACE] + random.sample(HEADS, random.randint(1, 2)) + [random.choice(TAILS)]
    return [SPACE] + random.sample(SYLLABLES, random.randint(2, 3))


def document():
    """Token ids and, per token, whether it lies in a repeated copy of the line."""
    line = sum((word() for _ in range(random.randint(3, 10))), []) + [DOT, END]
    times = random.randint(2, 3)
    return [BOS] + line * times, [False] * (1 + len(line)) + [True] * (len(line) * (times - 1))


def batch(n, T):
    ids, rep = [], []
    for _ in range(n):
        s, r = [], []
        while len(s) < T:
            d, m = document()
            s += d
            r += m
        ids.append(s[:T])
        rep.append(r[:T])
    return torch.tensor(ids), torch.tensor(rep)


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * w


class Llama(torch.nn.Module):
    def __init__(self, T):
        super().__init__()
        g = lambda *s: torch.nn.Parameter(torch.randn(*s) * 0.02)
        self.embed = g(V, D)
        self.layers = torch.nn.ModuleList()
        for _ in range(LAYERS):
            p = torch.nn.ParameterDict({k: g(D, D) for k in ("q", "k", "v", "o")})
            p.update({"gate": g(HIDDEN, D), "up": g(HIDDEN, D), "down": g(D, HIDDEN),
                      "n1": torch.nn.Parameter(torch.ones(D)), "n2": torch.nn.Parameter(torch.ones(D))})
            self.layers.append(p)
        self.norm = torch.nn.Parameter(torch.ones(D))
        angle = torch.arange(T)[:, None] / (10000 ** (torch.arange(0, E, 2) / E))  # [T, E/2]
        self.register_buffer("cos", torch.cos(angle)[:, None])  # [T, 1, E/2]
        self.register_buffer("sin", torch.sin(angle)[:, None])
        self.register_buffer("mask", torch.triu(torch.ones(T, T, dtype=torch.bool), 1))

    def rope(self, q):  # [B, T, H, E], interleaved pairs
        a, b = q[..., 0::2], q[..., 1::2]
        return torch.stack([a * self.cos - b * self.sin, a * self.sin + b * self.cos], -1).flatten(-2)

    def forward(self, ids):  # [B, T] -> [B, T, V]
        B, T = ids.shape
        x = self.embed[ids]
        for p in self.layers:
            h = rms(x, p["n1"])
            q = self.rope((h @ p["q"].T).view(B, T, H, E))
            k = self.rope((h @ p["k"].T).view(B, T, H, E))
            v = (h @ p["v"].T).view(B, T, H, E)
            a = (torch.einsum("bthe,bshe->bhts", q, k) / math.sqrt(E)).masked_fill(self.mask, -1e9).softmax(-1)
            x = x + torch.einsum("bhts,bshe->bthe", a, v).reshape(B, T, D) @ p["o"].T
            h = rms(x, p["n2"])
            x = x + (F.silu(h @ p["gate"].T) * (h @ p["up"].T)) @ p["down"].T
        return rms(x, self.norm) @ self.embed.T


def main():
    steps = int(sys.argv[1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    peak = float(sys.argv[3]) if len(sys.argv) > 3 else 2e-3
    T = int(sys.argv[4]) if len(sys.argv) > 4 else 384
    device = sys.argv[5] if len(sys.argv) > 5 else "cpu"
    global WORLD
    WORLD = len(sys.argv) > 6 and sys.argv[6] == "world"
    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(1)
    model = Llama(T).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=peak, betas=(0.9, 0.95), weight_decay=0.1)
    first = repeated = tails = 0.0
    for s in range(steps):
        lr = peak * min(1, (s + 1) / 100) * (0.1 + 0.45 * (1 + math.cos(math.pi * s / steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        ids, rep = (t.to(device) for t in batch(size, T))
        ce = F.cross_entropy(model(ids)[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1), reduction="none")
        opt.zero_grad()
        ce.mean().backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        r = rep[:, 1:].reshape(-1)
        first += ce[~r].mean().item() / 100
        repeated += ce[r].mean().item() / 100
        tail = r & (ids[:, 1:].reshape(-1) >= TAILS[0]) & (ids[:, 1:].reshape(-1) <= TAILS[-1])
        tails += ce[tail].mean().item() / 100 if WORLD else 0.0
        if (s + 1) % 100 == 0:
            print(f"step {s + 1}  tokens {(s + 1) * size * T / 1e6:.1f} M  loss on first copies {first:.2f}"
                  f"  on repeats {repeated:.2f}" + (f"  on repeated tails {tails:.2f}" if WORLD else ""),
                  flush=True)
            first = repeated = tails = 0.0


if __name__ == "__main__":
    main()
