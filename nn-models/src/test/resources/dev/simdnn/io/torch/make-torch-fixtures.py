#!/usr/bin/python3
"""Writes the PyTorch fixtures StateDictTest reads: a torch.nn.Sequential(Linear(4,16), ReLU(),
Linear(16,3)) state_dict as a plain safetensors file (as safetensors.torch.save_file writes it,
{"format": "pt"} metadata), and a few inputs with torch's logits. Run with Debian's python3-torch:
    /usr/bin/python3 make-torch-fixtures.py
"""
import json, os, struct
import torch

torch.manual_seed(20261201)
model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
here = os.path.dirname(os.path.abspath(__file__))

def save_safetensors(tensors, path, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

save_safetensors(model.state_dict(), os.path.join(here, "torch_mlp.safetensors"), {"format": "pt"})
x = torch.randn(5, 4)
with torch.no_grad():
    y = model(x)
with open(os.path.join(here, "torch_mlp_io.json"), "w") as f:
    json.dump({"torch": torch.__version__, "inputs": x.tolist(), "logits": y.tolist()}, f, indent=1)
