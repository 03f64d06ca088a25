#!/usr/bin/python3
"""torch.optim's own trajectories for OptimizerTorchParityTest: a 37-element parameter, five steps
of fixed gradients, through SGD with momentum (plain and Nesterov, L2 weight decay), Adam (coupled L2
weight decay) and AdamW (decoupled). Run by hand, never by the tests or CI, with Debian's
python3-torch (apt-get install -y python3-torch):
    env -u OPENBLAS_CORETYPE /usr/bin/python3 make-optimizer-fixtures.py
writes torch_optimizer_steps.json beside this script.
"""
import json, os
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2026)
n, steps = 37, 5
w0 = rng.normal(0, 1, n).astype(np.float32)
grads = [rng.normal(0, 0.5, n).astype(np.float32) for _ in range(steps)]
grads[2][:5] = 0  # zero gradients, and a tiny one: the moments still move
grads[3][5] = 1e-20

cases = {
    "momentum": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, weight_decay=0.01),
    "nesterov": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam": lambda p: torch.optim.Adam([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
    "adamw": lambda p: torch.optim.AdamW([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
}
out = {"torch": torch.__version__, "w0": w0.tolist(), "grads": [g.tolist() for g in grads], "after": {}}
for name, make in cases.items():
    p = torch.nn.Parameter(torch.tensor(w0))
    opt = make(p)
    traj = []
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g)
        opt.step()
        traj.append(p.detach().numpy().astype(np.float32).tolist())
    out["after"][name] = traj
with open(os.path.join(here, "torch_optimizer_steps.json"), "w") as f:
    json.dump(out, f)
print("wrote torch_optimizer_steps.json, torch", torch.__version__)
