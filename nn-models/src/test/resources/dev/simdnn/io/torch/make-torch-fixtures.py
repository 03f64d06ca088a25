#!/usr/bin/python3
"""The PyTorch and ONNX fixtures the Java tests read, made with the real tools, and the check of
the files simdnn writes. Run by hand, never by the tests or CI, with Debian's python3-torch and
python3-onnx (apt-get install -y python3-torch python3-onnx), OPENBLAS_CORETYPE unset:
    env -u OPENBLAS_CORETYPE /usr/bin/python3 make-torch-fixtures.py

Part 1 writes, beside this script, for each model: its state_dict as a plain safetensors file (as
safetensors.torch.save_file writes it, {"format": "pt"} metadata; torch 1.13 has no safetensors,
so a few lines here write it), its torch.onnx.export at the opsets listed, and <name>_io.json with
a few inputs and torch's outputs (eval mode).

Part 2 (when ../ours/ has files) loads the files simdnn wrote (../ours/*.simdnn, made by
OurFilesTest with -Dsimdnn.fixtures.write) into the equivalent torch modules with
load_state_dict(strict=True) and compares torch's outputs with the outputs simdnn recorded; and
checks simdnn's ONNX exports (../ours/*.onnx) with onnx.checker (full check) and a small numpy
evaluator written here, independent of simdnn's reader.
"""
import json, os, struct, sys
import numpy as np
import torch
import torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
ours = os.path.join(os.path.dirname(here), "ours")


def save_safetensors(tensors, path, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        b, e = t["data_offsets"]
        dt = {"F32": np.float32, "I64": np.int64}[t["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype=dt).reshape(t["shape"]).copy())
    return header.get("__metadata__", {}), out


def write_fixture(name, model, inputs, opsets, state_dict=True):
    model.eval()
    with torch.no_grad():
        y = model(inputs)
    if state_dict:
        save_safetensors(model.state_dict(), os.path.join(here, name + ".safetensors"), {"format": "pt"})
    for opset in opsets:
        torch.onnx.export(model, inputs[:1], os.path.join(here, "%s_opset%d.onnx" % (name, opset)), opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with open(os.path.join(here, name + "_io.json"), "w") as f:
        json.dump({"torch": torch.__version__, "module": str(model), "inputs": inputs.tolist(), "outputs": y.tolist()},
                  f, indent=1)


def part1():
    torch.manual_seed(20261201)
    # the first fixture (StateDictTest): Linear-ReLU-Linear; its io file keeps the "logits" key
    mlp = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    save_safetensors(mlp.state_dict(), os.path.join(here, "torch_mlp.safetensors"), {"format": "pt"})
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = mlp(x)
    with open(os.path.join(here, "torch_mlp_io.json"), "w") as f:
        json.dump({"torch": torch.__version__, "inputs": x.tolist(), "logits": y.tolist()}, f, indent=1)
    torch.onnx.export(mlp, x[:1], os.path.join(here, "torch_mlp_opset11.onnx"), opset_version=11,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})

    # every activation the ONNX import reads, each after a Linear
    torch.manual_seed(7)
    act = nn.Sequential(
        nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.LeakyReLU(0.2), nn.Linear(8, 8), nn.PReLU(),
        nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.ELU(0.7),
        nn.Linear(8, 8), nn.SELU(), nn.Linear(8, 8), nn.Softplus(), nn.Linear(8, 8), nn.GELU(approximate="tanh"),
        nn.Linear(8, 8), nn.SiLU(), nn.Linear(8, 3), nn.Softmax(dim=1))
    with torch.no_grad():
        act[5].weight.fill_(0.3)
    write_fixture("torch_act", act, torch.randn(6, 6) * 2, [11, 13, 17])

    # batch norm (trained a few steps, so its statistics are not the initial ones), dropout, layer norm
    torch.manual_seed(8)
    norm = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 8),
                         nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, 3))
    opt = torch.optim.SGD(norm.parameters(), lr=0.1)
    for _ in range(20):
        xb = torch.randn(16, 5) * 3 + 1
        loss = norm(xb).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    write_fixture("torch_norm", norm, torch.randn(5, 5) * 3 + 1, [17])

    # an image model's head: Flatten of [N, 1, 4, 4], then an MLP
    torch.manual_seed(9)
    flat = nn.Sequential(nn.Flatten(), nn.Linear(16, 6), nn.ReLU(), nn.Linear(6, 2))
    write_fixture("torch_flatten", flat, torch.randn(3, 1, 4, 4), [13], state_dict=False)

    # a small CNN: convolution (padding, stride), channel batch norm (trained a few steps), max, average
    # (padding counted, torch's default) and global average pooling, flatten, linear
    torch.manual_seed(11)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(4, 6, 3, stride=2, padding=1), nn.ReLU(), nn.AvgPool2d(2, stride=1, padding=1),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    opt = torch.optim.SGD(cnn.parameters(), lr=0.05)
    for _ in range(10):
        loss = cnn(torch.randn(16, 1, 8, 8)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    write_fixture("torch_cnn", cnn, torch.randn(4, 1, 8, 8), [13, 17])

    # recurrent layers, batch_first, one layer: their state dicts as module 0 of a Sequential, and every
    # hidden state for a few sequences
    for name, mod in (("lstm", nn.LSTM(3, 4, batch_first=True)), ("gru", nn.GRU(3, 4, batch_first=True)),
                      ("rnn_tanh", nn.RNN(3, 4, batch_first=True)),
                      ("rnn_relu", nn.RNN(3, 4, nonlinearity="relu", batch_first=True))):
        torch.manual_seed(12)
        for p in mod.parameters():
            torch.nn.init.uniform_(p, -0.6, 0.6)
        x = torch.randn(3, 5, 3)
        with torch.no_grad():
            y = mod(x)[0]
        save_safetensors({"0." + k: v for k, v in mod.state_dict().items()},
                         os.path.join(here, "torch_%s.safetensors" % name), {"format": "pt"})
        with open(os.path.join(here, "torch_%s_io.json" % name), "w") as f:
            json.dump({"torch": torch.__version__, "module": str(mod), "inputs": x.tolist(), "outputs": y.tolist()}, f,
                      indent=1)

    # stacked recurrent layers as one torch module (num_layers=2): weight_ih_l1 [G·H, H] and so on
    # and read both ways (bidirectional=True: weight_ih_l0_reverse, …; 2·H features per step)
    for name, mod in (("lstm2", nn.LSTM(3, 4, num_layers=2, batch_first=True)),
                      ("gru2", nn.GRU(3, 4, num_layers=2, batch_first=True)),
                      ("lstm_bi", nn.LSTM(3, 4, bidirectional=True, batch_first=True)),
                      ("gru2_bi", nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True))):
        torch.manual_seed(13)
        for p in mod.parameters():
            torch.nn.init.uniform_(p, -0.6, 0.6)
        x = torch.randn(3, 5, 3)
        with torch.no_grad():
            y = mod(x)[0]
        save_safetensors({"0." + k: v for k, v in mod.state_dict().items()},
                         os.path.join(here, "torch_%s.safetensors" % name), {"format": "pt"})
        with open(os.path.join(here, "torch_%s_io.json" % name), "w") as f:
            json.dump({"torch": torch.__version__, "module": str(mod), "inputs": x.tolist(), "outputs": y.tolist()}, f,
                      indent=1)

    # torch's own ONNX export of batch-first recurrent layers (Transpose, LSTM/GRU/RNN of layout 0 with zero
    # initial states computed from the input's shape, Squeeze, Transpose), then the last step and a Linear
    class Seq(nn.Module):
        def __init__(self, rnn, last, out):
            super().__init__()
            self.rnn, self.last = rnn, last
            self.fc = nn.Linear(rnn.hidden_size, out) if out else None

        def forward(self, x):
            y = self.rnn(x)[0]
            y = y[:, -1] if self.last else y
            return self.fc(y) if self.fc is not None else y

    for name, mod in (("torch_lstm_last", Seq(nn.LSTM(3, 4, batch_first=True), True, 2)),
                      ("torch_gru2_last", Seq(nn.GRU(3, 4, num_layers=2, batch_first=True), True, 2)),
                      ("torch_rnn_seq", Seq(nn.RNN(3, 4, nonlinearity="relu", batch_first=True), False, 0))):
        torch.manual_seed(14)
        for p in mod.parameters():
            torch.nn.init.uniform_(p, -0.6, 0.6)
        write_fixture(name, mod, torch.randn(3, 5, 3), [14, 17], state_dict=False)

    # exact GELU (torch writes its erf form as five nodes), a residual connection, an operator outside the list
    torch.manual_seed(10)
    write_fixture("torch_gelu_exact", nn.Sequential(nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2)), torch.randn(2, 4), [13])

    class Res(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.b = nn.Linear(4, 2)

        def forward(self, x):
            return self.b(x + torch.relu(self.a(x)))

    write_fixture("torch_residual", Res(), torch.randn(2, 4), [13], state_dict=False)
    write_fixture("torch_hardswish", nn.Sequential(nn.Linear(4, 4), nn.Hardswish(), nn.Linear(4, 2)), torch.randn(2, 4),
                  [14], state_dict=False)


def torch_module(spec):
    """The torch module a simdnn file's architecture describes (the layer kinds OurFilesTest writes)."""
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "selu": nn.SELU, "softplus": nn.Softplus,
            "swish": nn.SiLU}
    mods = []
    for l in spec["layers"]:
        t = l["type"]
        if t == "conv2d":
            mods.append(nn.Conv2d(l["in_channels"], l["out_channels"], tuple(l["kernel"]), stride=tuple(l["stride"]),
                                  padding=tuple(l["padding"]), dilation=tuple(l["dilation"]), bias=l["bias"]))
            continue
        if t == "max_pool2d":
            mods.append(nn.MaxPool2d(l["kernel"], l["stride"], l["padding"]))
            continue
        if t == "avg_pool2d":
            mods.append(nn.AvgPool2d(l["kernel"], l["stride"], l["padding"]))
            continue
        if t == "global_avg_pool2d":
            mods.append(nn.AdaptiveAvgPool2d(1))
            continue
        if t == "flatten":
            mods.append(nn.Flatten())
            continue
        if t == "batch_norm2d":
            mods.append(nn.BatchNorm2d(l["channels"], eps=l["epsilon"], momentum=l["momentum"]))
            continue
        if t == "dense":
            mods.append(nn.Linear(l["in"], l["out"], bias=l["bias"]))
            a = l["activation"]
            if a != "identity":
                mods.append(acts[a]() if a in acts else
                            nn.LeakyReLU(float(a[len("leaky_relu("):-1])) if a.startswith("leaky_relu(") else
                            nn.ELU(float(a[len("elu("):-1])) if a.startswith("elu(") else
                            nn.GELU(approximate="tanh") if a == "gelu" else
                            nn.GELU() if a == "gelu_erf" else None)
        elif t == "activation":
            mods.append(acts[l["activation"]]())
        elif t == "batch_norm":
            mods.append(nn.BatchNorm1d(mods_width(mods), eps=l["epsilon"], momentum=l["momentum"]))
        elif t == "layer_norm":
            mods.append(nn.LayerNorm(mods_width(mods), eps=l["epsilon"]))
        elif t == "prelu":
            mods.append(nn.PReLU(mods_width(mods)))
        elif t == "dropout":
            mods.append(nn.Dropout(l["p"]))
        elif t == "softmax":
            mods.append(nn.Softmax(dim=1))
        else:
            raise ValueError("no torch twin in this script: " + t)
    return nn.Sequential(*mods)


def mods_width(mods):
    for m in reversed(mods):
        if isinstance(m, nn.Linear):
            return m.out_features
    raise ValueError("no width")


def onnx_eval(model, x):
    """A numpy evaluator for the operators simdnn exports: independent of simdnn's own reader."""
    import onnx.numpy_helper as nh
    from math import erf
    env = {i.name: nh.to_array(i) for i in model.graph.initializer}
    env[model.graph.input[0].name] = x
    for n in model.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        v = [env[i] for i in n.input if i]
        o = n.op_type
        if o == "Gemm":
            A, B = v[0], v[1]
            A = A.T if a.get("transA", 0) else A
            B = B.T if a.get("transB", 0) else B
            r = a.get("alpha", 1.0) * A @ B + (a.get("beta", 1.0) * v[2] if len(v) > 2 else 0)
        elif o == "Relu":
            r = np.maximum(v[0], 0)
        elif o == "LeakyRelu":
            r = np.where(v[0] > 0, v[0], a.get("alpha", 0.01) * v[0])
        elif o == "Sigmoid":
            r = 1 / (1 + np.exp(-v[0]))
        elif o == "Tanh":
            r = np.tanh(v[0])
        elif o == "Elu":
            r = np.where(v[0] > 0, v[0], a.get("alpha", 1.0) * (np.exp(v[0]) - 1))
        elif o == "Selu":
            r = a.get("gamma", 1.0507) * np.where(v[0] > 0, v[0], a.get("alpha", 1.6733) * (np.exp(v[0]) - 1))
        elif o == "Softplus":
            r = np.log1p(np.exp(v[0]))
        elif o == "PRelu":
            r = np.where(v[0] > 0, v[0], v[1] * v[0])
        elif o == "Softmax":
            e = np.exp(v[0] - v[0].max(axis=a.get("axis", -1), keepdims=True))
            r = e / e.sum(axis=a.get("axis", -1), keepdims=True)
        elif o == "BatchNormalization":
            shp = (1, -1, 1, 1) if v[0].ndim == 4 else (1, -1)
            p_ = [t.reshape(shp) for t in v[1:5]]
            r = (v[0] - p_[2]) / np.sqrt(p_[3] + a.get("epsilon", 1e-5)) * p_[0] + p_[1]
        elif o == "Conv":
            x_, w_ = v[0], v[1]
            (sh, sw), (dh, dw) = a.get("strides", [1, 1]), a.get("dilations", [1, 1])
            pt, pl = a.get("pads", [0, 0, 0, 0])[:2]
            xp = np.pad(x_, ((0, 0), (0, 0), (pt, pt), (pl, pl)))
            n_, c_, hh, ww = xp.shape
            o_, _, kh, kw = w_.shape
            oh, ow = (hh - dh * (kh - 1) - 1) // sh + 1, (ww - dw * (kw - 1) - 1) // sw + 1
            r = np.zeros((n_, o_, oh, ow), dtype=np.float64)
            for i in range(kh):
                for j in range(kw):
                    patch = xp[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                    r += np.einsum("nchw,oc->nohw", patch, w_[:, :, i, j])
            if len(v) > 2:
                r += v[2].reshape(1, -1, 1, 1)
        elif o in ("MaxPool", "AveragePool"):
            k_, (s_, _) = a["kernel_shape"][0], a.get("strides", [1, 1])
            p_ = a.get("pads", [0, 0, 0, 0])[0]
            fill = -np.inf if o == "MaxPool" else 0.0
            xp = np.pad(v[0], ((0, 0), (0, 0), (p_, p_), (p_, p_)), constant_values=fill)
            oh, ow = (xp.shape[2] - k_) // s_ + 1, (xp.shape[3] - k_) // s_ + 1
            wins = np.stack([xp[:, :, i:i + s_ * (oh - 1) + 1:s_, j:j + s_ * (ow - 1) + 1:s_]
                             for i in range(k_) for j in range(k_)])
            r = wins.max(axis=0) if o == "MaxPool" else wins.sum(axis=0) / (k_ * k_)
        elif o == "GlobalAveragePool":
            r = v[0].mean(axis=(2, 3), keepdims=True)
        elif o == "Flatten":
            r = v[0].reshape(v[0].shape[0], -1)
        elif o == "Pad":
            r = v[0]
            raise ValueError("Pad")
        elif o == "LayerNormalization":
            m = v[0].mean(axis=-1, keepdims=True)
            s = ((v[0] - m) ** 2).mean(axis=-1, keepdims=True)
            r = (v[0] - m) / np.sqrt(s + a.get("epsilon", 1e-5)) * v[1] + (v[2] if len(v) > 2 else 0)
        elif o in ("Mul", "Add", "Sub", "Div", "Pow"):
            r = {"Mul": np.multiply, "Add": np.add, "Sub": np.subtract, "Div": np.divide, "Pow": np.power}[o](v[0], v[1])
        elif o == "Erf":
            r = np.vectorize(erf)(v[0])
        elif o == "Constant":
            r = nh.to_array(a["value"])
        elif o == "Reshape":
            shape = [d if d != 0 else v[0].shape[i] for i, d in enumerate(v[1])]
            r = v[0].reshape(shape)
        elif o == "ReduceMax":
            r = v[0].max(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif o == "Identity":
            r = v[0]
        elif o == "Gather":
            r = np.take(v[0], v[1], axis=a.get("axis", 0))
        elif o in ("LSTM", "GRU", "RNN"):
            r = recurrent_eval(o, a, v)
        else:
            raise ValueError("the numpy evaluator has no " + o)
        env[n.output[0]] = r.astype(np.float32)
    return env[model.graph.output[0].name]


def recurrent_eval(op, a, v):
    """ONNX's LSTM (gates i, o, f, c), GRU (z, r, h) and RNN, batch first (layout 1), from the
    operator's definition; Y as [batch, T, directions, H]."""
    assert a.get("layout", 0) == 1
    x, W, R = v[0].astype(np.float64), v[1].astype(np.float64), v[2].astype(np.float64)
    H = a["hidden_size"]
    D = W.shape[0]
    B = v[3].astype(np.float64) if len(v) > 3 else np.zeros((D, 2 * W.shape[1]))
    n, T, _ = x.shape
    sig = lambda z: 1 / (1 + np.exp(-z))
    acts = [s.decode() if isinstance(s, bytes) else s for s in a.get("activations", [])]
    Y = np.zeros((n, T, D, H))
    for d in range(D):
        Wd, Rd, Wb, Rb = W[d], R[d], B[d][:W.shape[1]], B[d][W.shape[1]:]
        h = np.zeros((n, H))
        c = np.zeros((n, H))
        steps = range(T) if d == 0 else range(T - 1, -1, -1)
        for t in steps:
            xt = x[:, t, :]
            if op == "LSTM":
                gts = xt @ Wd.T + Wb + h @ Rd.T + Rb
                i, o_, f, g = (gts[:, k * H:(k + 1) * H] for k in range(4))
                i, o_, f, g = sig(i), sig(o_), sig(f), np.tanh(g)
                c = f * c + i * g
                h = o_ * np.tanh(c)
            elif op == "GRU":
                assert a.get("linear_before_reset", 0) == 1
                xi = xt @ Wd.T + Wb
                hr = h @ Rd.T + Rb
                z = sig(xi[:, :H] + hr[:, :H])
                r_ = sig(xi[:, H:2 * H] + hr[:, H:2 * H])
                hh = np.tanh(xi[:, 2 * H:] + r_ * hr[:, 2 * H:])
                h = (1 - z) * hh + z * h
            else:
                pre = xt @ Wd.T + Wb + h @ Rd.T + Rb
                h = np.maximum(pre, 0) if acts and acts[d].lower() == "relu" else np.tanh(pre)
            Y[:, t, d, :] = h
    return Y


def part2():
    import onnx
    globals()["onnx"] = onnx
    import onnx.helper  # noqa: F401
    if not os.path.isdir(ours):
        print("no", ours, "- part 2 skipped")
        return
    for f in sorted(os.listdir(ours)):
        path = os.path.join(ours, f)
        if f.endswith(".simdnn"):
            meta, tensors = read_safetensors(path)
            arch = json.loads(meta["architecture"])
            model = torch_module(arch)
            model.load_state_dict(tensors, strict=True)
            model.eval()
            io = json.load(open(path[:-len(".simdnn")] + "_io.json"))
            x = torch.tensor(io["inputs"])
            first = arch["layers"][0]
            if first["type"] == "conv2d":  # rows of C·H·W values are NCHW images
                x = x.reshape(-1, first["in_channels"], first["height"], first["width"])
            with torch.no_grad():
                y = model(x)
            err = (y - torch.tensor(io["outputs"])).abs().max().item()
            print("%-28s load_state_dict(strict=True) ok, max |torch - simdnn| = %.3g" % (f, err))
            assert err < 1e-5, err
        elif f.endswith(".onnx"):
            m = onnx.load(path)
            onnx.checker.check_model(m, full_check=True)
            io = json.load(open(path[:-len(".onnx")] + "_io.json"))
            xin = np.array(io["inputs"], dtype=np.float32)
            dims = [d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]
            if len(dims) == 4:
                xin = xin.reshape(-1, dims[1], dims[2], dims[3])
            y = onnx_eval(m, xin)
            err = np.abs(y - np.array(io["outputs"], dtype=np.float32)).max()
            print("%-28s onnx.checker ok, max |numpy evaluator - simdnn| = %.3g" % (f, err))
            assert err < 1e-5, err


if __name__ == "__main__":
    if "--check-only" not in sys.argv:
        part1()
    part2()
