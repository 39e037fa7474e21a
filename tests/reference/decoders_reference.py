#!/usr/bin/python3
"""Independent reference for the MPT and GPT-NeoX decoders (tests/test_decoders_reference.cpp).

Builds tiny random models of each family and layout, written from the published
architecture descriptions (MosaicML's MosaicGPT / MPT model cards and code
structure; GPT-NeoX as Black et al. 2022 and Hugging Face's GPTNeoX describe it),
not from the C++ code. For each case it writes a model directory (config.json and
a hand-written model.safetensors) and expected.json: the tokens and the float64
logits of one causal forward pass over them.

Usage: /usr/bin/python3 decoders_reference.py OUT_DIR
"""
import json
import math
import os
import struct
import sys

import torch

VOCAB = 512
TOKENS = [1, 37, 400, 12, 255, 3, 99, 511, 0, 64, 128, 7, 300, 42]

CASES = [
    # name, family, options
    ("mpt_mosaic_qkln", "mpt", dict(dim=64, heads=4, layers=3, layout="mosaic_gpt", qk_ln=True)),
    ("mpt_mosaic_h6", "mpt", dict(dim=48, heads=6, layers=2, layout="mosaic_gpt", qk_ln=True)),
    ("mpt_mpt_h6", "mpt", dict(dim=48, heads=6, layers=2, layout="mpt", qk_ln=False)),
    ("neox_rot25_parallel", "gpt_neox", dict(dim=64, heads=4, layers=3, rotary_pct=0.25, parallel=True)),
    ("neox_rot100_sequential", "gpt_neox", dict(dim=64, heads=4, layers=2, rotary_pct=1.0, parallel=False)),
]


def write_safetensors(path, tensors):
    """safetensors: u64 little-endian header size, JSON header, raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def rand(g, *shape, std=0.2):
    # Rounded to float32 (as stored), so that the float64 reference sees the same weights.
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * std).float().double()


def norm_weight(g, n):
    return (1.0 + rand(g, n, std=0.1)).float().double()


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    y = (x - mu) / torch.sqrt(var + eps) * w
    return y + b if b is not None else y


def gelu(x):  # exact, erf form
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def softmax_attention(q, k, v, bias):
    """q, k, v [H, T, E]; bias [H, T, T] added before the softmax; causal."""
    T, E = q.shape[1], q.shape[2]
    s = q @ k.transpose(1, 2) / math.sqrt(E) + bias
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    s = s.masked_fill(future, float("-inf"))
    return torch.softmax(s, -1) @ v


# ---------------------------------------------------------------- MPT
def alibi_slopes(n_heads, bias_max, layout):
    if layout == "mosaic_gpt":
        # MosaicGPT: slope of head h = 1 / 2^(h * bias_max / n), h = 1..n, any n.
        return torch.tensor([2.0 ** (-(h * bias_max / n_heads)) for h in range(1, n_heads + 1)],
                            dtype=torch.float64)
    # llm-foundry: slopes for the next power of two, then the odd-numbered then the
    # even-numbered ones, truncated.
    n = 1
    while n < n_heads:
        n *= 2
    s = [2.0 ** (-(h * bias_max / n)) for h in range(1, n + 1)]
    if n != n_heads:
        s = (s[1::2] + s[0::2])[:n_heads]
    return torch.tensor(s, dtype=torch.float64)


def mpt_case(g, o):
    D, H, L = o["dim"], o["heads"], o["layers"]
    F = 4 * D
    E = D // H
    mosaic = o["layout"] == "mosaic_gpt"
    n1, n2, up, down, nf = (("ln_1", "ln_2", "mlp.mlp_up", "mlp.mlp_down", "transformer.ln_f") if mosaic
                            else ("norm_1", "norm_2", "ffn.up_proj", "ffn.down_proj", "transformer.norm_f"))
    w = {"transformer.wte.weight": rand(g, VOCAB, D, std=0.5)}
    for i in range(L):
        p = f"transformer.blocks.{i}."
        w[p + n1 + ".weight"] = norm_weight(g, D)
        w[p + "attn.Wqkv.weight"] = rand(g, 3 * D, D)
        if o["qk_ln"]:
            w[p + "attn.q_ln.weight"] = norm_weight(g, D)
            w[p + "attn.k_ln.weight"] = norm_weight(g, D)
        w[p + "attn.out_proj.weight"] = rand(g, D, D)
        w[p + n2 + ".weight"] = norm_weight(g, D)
        w[p + up + ".weight"] = rand(g, F, D)
        w[p + down + ".weight"] = rand(g, D, F)
    w[nf + ".weight"] = norm_weight(g, D)

    slopes = alibi_slopes(H, 8.0, o["layout"])
    T = len(TOKENS)
    # MPT's bias: key j gets slope * (j - (T - 1)) for every query row.
    bias = slopes.view(H, 1, 1) * (torch.arange(T, dtype=torch.float64) - (T - 1)).view(1, 1, T)
    x = w["transformer.wte.weight"][torch.tensor(TOKENS)]
    for i in range(L):
        p = f"transformer.blocks.{i}."
        a = layer_norm(x, w[p + n1 + ".weight"], None)
        q, k, v = (a @ w[p + "attn.Wqkv.weight"].T).split(D, dim=-1)
        if o["qk_ln"]:
            q = layer_norm(q, w[p + "attn.q_ln.weight"], None)
            k = layer_norm(k, w[p + "attn.k_ln.weight"], None)
        heads = [t.view(T, H, E).transpose(0, 1) for t in (q, k, v)]
        att = softmax_attention(*heads, bias.expand(H, T, T)).transpose(0, 1).reshape(T, D)
        x = x + att @ w[p + "attn.out_proj.weight"].T
        m = layer_norm(x, w[p + n2 + ".weight"], None)
        x = x + gelu(m @ w[p + up + ".weight"].T) @ w[p + down + ".weight"].T
    logits = layer_norm(x, w[nf + ".weight"], None) @ w["transformer.wte.weight"].T
    config = {"type": "mpt", "dim": D, "n_layers": L, "n_heads": H, "hidden_dim": F,
              "vocab_size": VOCAB, "max_seq_len": 64, "norm_eps": 1e-5, "tie_embeddings": True,
              "mpt_layout": o["layout"], "alibi_bias_max": 8, "qk_ln": o["qk_ln"]}
    return config, w, logits


# ---------------------------------------------------------------- GPT-NeoX
def neox_case(g, o):
    D, H, L = o["dim"], o["heads"], o["layers"]
    F = 4 * D
    E = D // H
    R = int(E * o["rotary_pct"])
    w = {"gpt_neox.embed_in.weight": rand(g, VOCAB, D, std=0.5)}
    for i in range(L):
        p = f"gpt_neox.layers.{i}."
        for n in ("input_layernorm", "post_attention_layernorm"):
            w[p + n + ".weight"] = norm_weight(g, D)
            w[p + n + ".bias"] = rand(g, D, std=0.1)
        for n, rows, cols in (("attention.query_key_value", 3 * D, D), ("attention.dense", D, D),
                              ("mlp.dense_h_to_4h", F, D), ("mlp.dense_4h_to_h", D, F)):
            w[p + n + ".weight"] = rand(g, rows, cols)
            w[p + n + ".bias"] = rand(g, rows, std=0.1)
    w["gpt_neox.final_layer_norm.weight"] = norm_weight(g, D)
    w["gpt_neox.final_layer_norm.bias"] = rand(g, D, std=0.1)
    w["embed_out.weight"] = rand(g, VOCAB, D, std=0.5)

    T = len(TOKENS)
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, R, 2, dtype=torch.float64) / R))  # [R/2]
    ang = torch.arange(T, dtype=torch.float64)[:, None] * inv_freq[None, :]          # [T, R/2]
    cos = torch.cat([ang.cos(), ang.cos()], -1)[None]                               # [1, T, R]
    sin = torch.cat([ang.sin(), ang.sin()], -1)[None]

    def rope(t):  # [H, T, E]: rotate_half on the first R dims
        r, rest = t[..., :R], t[..., R:]
        half = torch.cat([-r[..., R // 2:], r[..., :R // 2]], -1)
        return torch.cat([r * cos + half * sin, rest], -1)

    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    def ln(x, name):
        return layer_norm(x, w[name + ".weight"], w[name + ".bias"])

    x = w["gpt_neox.embed_in.weight"][torch.tensor(TOKENS)]
    zero = torch.zeros(H, T, T, dtype=torch.float64)
    for i in range(L):
        p = f"gpt_neox.layers.{i}."
        qkv = lin(ln(x, p + "input_layernorm"), p + "attention.query_key_value")
        qkv = qkv.view(T, H, 3 * E).transpose(0, 1)                                # [H, T, 3E]
        q, k, v = qkv[..., :E], qkv[..., E:2 * E], qkv[..., 2 * E:]
        att = softmax_attention(rope(q), rope(k), v, zero).transpose(0, 1).reshape(T, D)
        att = lin(att, p + "attention.dense")

        def mlp(h):
            return lin(gelu(lin(h, p + "mlp.dense_h_to_4h")), p + "mlp.dense_4h_to_h")
        if o["parallel"]:
            x = x + att + mlp(ln(x, p + "post_attention_layernorm"))
        else:
            x = x + att
            x = x + mlp(ln(x, p + "post_attention_layernorm"))
    logits = ln(x, "gpt_neox.final_layer_norm") @ w["embed_out.weight"].T
    config = {"type": "gpt_neox", "dim": D, "n_layers": L, "n_heads": H, "hidden_dim": F,
              "vocab_size": VOCAB, "max_seq_len": 64, "norm_eps": 1e-5, "rope_theta": 10000.0,
              "rotary_pct": o["rotary_pct"], "parallel_residual": o["parallel"], "tie_embeddings": False}
    return config, w, logits


def main():
    out = sys.argv[1]
    for seed, (name, family, options) in enumerate(CASES):
        g = torch.Generator().manual_seed(1000 + seed)
        config, weights, logits = (mpt_case if family == "mpt" else neox_case)(g, options)
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"format_version": 1, "name": name, "dtype": "float32", "language_model": config}, f,
                      indent=1)
        write_safetensors(os.path.join(d, "model.safetensors"), weights)
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump({"tokens": TOKENS, "logits": logits.tolist()}, f)
    print(f"wrote {len(CASES)} reference models to {out}")


if __name__ == "__main__":
    main()
