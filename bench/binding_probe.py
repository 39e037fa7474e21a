#!/usr/bin/env python3
"""Where does the model lose which colour belongs to which shape?

A probe for docs/training.md ("Eleventh run"). Two shapes (circle, square, triangle;
two of the world's eight colours, on one of its backgrounds, at its two sizes) are
drawn the way core/visual_world_render.cpp draws them: on a 4x larger canvas,
averaged down to 32x32, with +-6 levels of noise. A small MLP then learns, from the
model's frozen features, the colour of each of the three shapes (or that it is
absent), and is scored on held-out pictures on the shapes present. A second probe can
only look up: a query per shape attends over the tokens, as cross-attention does, and
the colour is read from what it finds (one head, linearly; or four heads and an MLP). A control gives the probe
which colours and which shapes are present, unbound: it scores about 0.5.

It reads two places: the vision encoder's 64 patch tokens, and the Perceiver
Resampler's latents, which are all the gated cross-attention layers see. If the
patches bind colours to shapes and the latents do not, the resampler is where it is lost;
if an MLP finds the binding and a lookup does not, it is there only spread over tokens.

Usage: bench/binding_probe.py MODEL_DIR/model.safetensors [TRAIN_PICTURES]
"""
import os, sys
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
from flamingo_reference import load, encode, resample

torch.set_num_threads(1); torch.manual_seed(0); rng = np.random.default_rng(0)
# core/visual_world.cpp: colours, backgrounds, radii 0.14 / 0.22, margin 0.02, gap 0.03.
COLOURS = np.array([[220, 30, 30], [30, 160, 50], [40, 80, 230], [245, 215, 40],
                    [150, 50, 190], [250, 135, 20], [250, 250, 250], [15, 15, 15]], np.float32)
BACKGROUNDS = np.array([[128, 128, 128], [195, 175, 135], [70, 85, 110], [120, 150, 125]], np.float32)
SHAPES = 3  # circle, square, triangle
C = 128  # canvas side: 4x the picture
yy, xx = (np.mgrid[0:C, 0:C] + 0.5) / C


def inside(shape, cx, cy, r):  # the canvas pixels an object covers
    dx, dy = xx - cx, yy - cy
    if shape == 0:  # drawn at 0.9 of its radius
        return dx * dx + dy * dy <= (0.9 * r) ** 2
    if shape == 1:  # a diamond reaching 0.95 r, turned upright: half-side 0.95 r / sqrt 2
        return (abs(dx) <= 0.95 * r / 2 ** .5) & (abs(dy) <= 0.95 * r / 2 ** .5)
    # around(3) centred on its bounding box and fitted so its base corners lie at r:
    # apex at -0.655 r, base at +0.655 r, half-base 0.756 r (core/visual_world_render.cpp)
    top, bottom, half_base = -0.655 * r, 0.655 * r, 0.756 * r
    return (dy >= top) & (dy <= bottom) & (abs(dx) <= (dy - top) / (bottom - top) * half_base)


def picture():
    shapes = rng.choice(SHAPES, 2, replace=False); colours = rng.choice(8, 2, replace=False)
    while True:
        radii = np.where(rng.random(2) < .5, 0.22, 0.14)
        pos = [rng.uniform(r + .02, 1 - r - .02, 2) for r in radii]
        if np.hypot(*(pos[0] - pos[1])) >= radii.sum() + .03:
            break
    img = np.broadcast_to(BACKGROUNDS[rng.integers(4)], (C, C, 3)).copy()
    for s, c, r, (x, y) in zip(shapes, colours, radii, pos):
        img[inside(s, x, y, r)] = COLOURS[c]
    img = img.reshape(32, 4, 32, 4, 3).mean((1, 3)).round() + rng.integers(-6, 7, (32, 32, 3))
    target = np.full(SHAPES, 8); target[shapes] = colours
    return np.clip(img, 0, 255), target


def pictures(n):
    imgs, targets = zip(*(picture() for _ in range(n)))
    px = torch.from_numpy((np.stack(imgs) / 255 - .5) / .25).float().permute(0, 3, 1, 2)
    return px, torch.from_numpy(np.stack(targets))


class Lookup(torch.nn.Module):
    """What cross-attention can do: a query per shape picks tokens by their keys in each
    head, and the colour is read from the values they average: linearly (heads=1), or
    by an MLP, as a gated layer's feed-forward reads its 4 heads (heads=4)."""
    def __init__(self, dim, heads):
        super().__init__()
        self.h = heads
        self.q = torch.nn.Parameter(torch.randn(heads, SHAPES, 32) * .1)
        self.k, self.v = torch.nn.Linear(dim, 32 * heads), torch.nn.Linear(dim, 32 * heads)
        self.out = torch.nn.Linear(32, 9) if heads == 1 else torch.nn.Sequential(
            torch.nn.Linear(32 * heads, 512), torch.nn.GELU(), torch.nn.Linear(512, 9))
    def forward(self, x):  # [N, T, dim] -> [N, 3 * 9]
        split = lambda t: t.view(t.shape[0], t.shape[1], self.h, 32).transpose(1, 2)  # [N, h, T, 32]
        a = (self.q @ split(self.k(x)).transpose(-1, -2) / 32 ** .5).softmax(-1)      # [N, h, 3, T]
        read = (a @ split(self.v(x))).transpose(1, 2).flatten(2)                       # [N, 3, h*32]
        return self.out(read).flatten(1)


def probe(train, test, ytr, yte, heads=0):  # features -> 3 x 9 classes; heads > 0: Lookup
    net = Lookup(train.shape[-1], heads) if heads else torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(train[0].numel(), 256), torch.nn.GELU(),
        torch.nn.Linear(256, SHAPES * 9))
    opt = torch.optim.AdamW(net.parameters(), 1e-3, weight_decay=0.05)
    for step in range(1500):
        idx = torch.randint(0, len(train), (256,))
        loss = F.cross_entropy(net(train[idx]).view(-1, 9), ytr[idx].reshape(-1))
        opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        pred = net(test).view(-1, SHAPES, 9).argmax(-1)
    present = yte < 8
    return (pred == yte)[present].float().mean().item()


# The control: features that say which colours and which shapes a picture holds, and
# not which shape wears which colour. The probe should score about 0.5 on them.
def unbound(y):  # [N, 3] targets -> [N, 11]: colours present, shapes present
    f = torch.zeros(len(y), 11)
    for i, t in enumerate(y.tolist()):
        for s, c in enumerate(t):
            if c < 8: f[i, c] = f[i, 8 + s] = 1
    return f


w = load(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
with torch.no_grad():
    xtr, ytr = pictures(n); xte, yte = pictures(1000)
    ptr, pte = encode(w, xtr), encode(w, xte)
    ltr, lte = resample(w, ptr), resample(w, pte)
print(f"colour of each shape in two-shape pictures, held out ({n} training pictures; 0.5 = colours known, not bound):")
print(f"  vision encoder patches [64 x 128], MLP: {probe(ptr, pte, ytr, yte):.3f}")
print(f"  vision encoder patches, one attention head, linear: {probe(ptr, pte, ytr, yte, 1):.3f}")
print(f"  control, colours and shapes present, unbound [11]: {probe(unbound(ytr), unbound(yte), ytr, yte):.3f}")
print(f"  resampler latents [{ltr.shape[1]} x 128], MLP: {probe(ltr, lte, ytr, yte):.3f}")
print(f"  resampler latents, one attention head, linear: {probe(ltr, lte, ytr, yte, 1):.3f}")
print(f"  resampler latents, four heads and an MLP: {probe(ltr, lte, ytr, yte, 4):.3f}")
