#!/usr/bin/env python3
"""Does the bundled vision encoder's output still say where each patch is?

A linear probe (python3-torch, CPU) for docs/training.md ("Fifth run"): the model's ViT
(CLIP layout: conv1, class and positional embeddings, ln_pre, 4 residual blocks,
ln_post) is run from its model.safetensors on 32x32 pictures of 1-3 discs and squares,
and a linear layer learns to name each output patch's index (64 classes; chance 1/64).
It is run twice, with the positional embedding and without it, so that what the
shapes' own edges give away is visible. If the probe cannot find on-object patches, the
resampler's latents, which see the patches as a set, cannot tell where shapes lie.

Usage: bench/position_probe.py MODEL_DIR/model.safetensors
"""
import os, sys
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
import flamingo_reference
torch.set_num_threads(1); torch.manual_seed(0); rng = np.random.default_rng(0)
weights = flamingo_reference.load(sys.argv[1], ('vision_encoder.',))
encode = lambda px, use_pos=True: flamingo_reference.encode(weights, px, use_pos)  # [N,3,32,32] -> [N,64,128]
def scenes(N):  # 1-3 discs/squares of random colours on a plain background
    img = np.zeros((N, 32, 32, 3), np.float32); on = np.zeros((N, 32, 32), bool)
    yy, xx = np.mgrid[0:32, 0:32]
    for i in range(N):
        img[i] = rng.integers(0, 80, 3)
        for _ in range(rng.integers(1, 4)):
            c = rng.integers(0, 256, 3); r = rng.integers(3, 7); cx, cy = rng.integers(r, 32 - r, 2)
            m = ((xx - cx) ** 2 + (yy - cy) ** 2 <= r * r) if rng.random() < .5 else ((abs(xx - cx) <= r) & (abs(yy - cy) <= r))
            img[i][m] = c; on[i] |= m
    px = torch.from_numpy((img / 255 - .5) / .25).permute(0, 3, 1, 2)
    onp = torch.from_numpy(on.reshape(N, 8, 4, 8, 4).any(4).any(2).reshape(N, 64))
    return px, onp
def probe(use_pos):
    with torch.no_grad():
        xtr, otr = scenes(1500); xte, ote = scenes(500)
        ftr, fte = encode(xtr, use_pos), encode(xte, use_pos)
    lab = torch.arange(64).repeat(1500); labt = torch.arange(64).repeat(500)
    lin = torch.nn.Linear(128, 64); opt = torch.optim.Adam(lin.parameters(), 1e-2)
    X = ftr.reshape(-1, 128)
    for s in range(300):
        idx = torch.randint(0, X.shape[0], (4096,))
        loss = F.cross_entropy(lin(X[idx]), lab[idx]); opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        pred = lin(fte.reshape(-1, 128)).argmax(-1); ok = pred == labt; o = ote.reshape(-1)
        # within one patch of the truth (row and column)
        near = ((pred // 8 - labt // 8).abs() <= 1) & ((pred % 8 - labt % 8).abs() <= 1)
    return ok[o].float().mean().item(), ok[~o].float().mean().item(), near[o].float().mean().item()
for use_pos in (True, False):
    a, b, c = probe(use_pos)
    print(f"positional embedding {'kept' if use_pos else 'removed'}: exact patch on-object {a:.2f}, background {b:.2f}; within one patch on-object {c:.2f}  (chance 1/64 = 0.016)")
