#!/usr/bin/python3
"""The PyTorch peer of JMH's ConvBench and LstmBench: the same shapes, the same work per call, one
thread (torch and OpenBLAS), timed like JMH's throughput mode (warm-up, then the median of timed
rounds of ~1 s, with the spread). Run by hand, beside `./simdnn bench ConvBench LstmBench` in the
same session:
    env -u OPENBLAS_CORETYPE /usr/bin/python3 nn-bench/scripts/conv_lstm_bench_torch.py
ConvBench: a Conv2d (bias) forward, then the backward of a given output gradient to the weights,
the bias and the input (torch.autograd.backward with inputs requiring grad), batch 64; GFLOP/s
counts 3 products of 2*N*out*P*C*kh*kw, as ConvBench does. LstmBench: nn.LSTM(28, 128,
batch_first) over 28 steps, batch 64, forward and backward of a given gradient of every output,
samples/s. Prints one line per benchmark and a JSON line.
"""
import json
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(1)


def rounds(fn, warmup=3, measure=5, seconds=1.0):
    """Calls per second of fn: `warmup` untimed rounds, then `measure` rounds of about `seconds` each."""
    rates = []
    for r in range(warmup + measure):
        n = 0
        t0 = time.perf_counter()
        while True:
            fn()
            n += 1
            t = time.perf_counter() - t0
            if t >= seconds:
                break
        if r >= warmup:
            rates.append(n / t)
    return statistics.median(rates), min(rates), max(rates)


results = {}
shapes = {  # name: (in channels, height, width, out channels, kernel, padding), stride 1
    "lenet1": (1, 28, 28, 6, 5, 0),
    "lenet2": (6, 12, 12, 16, 5, 0),
    "resnet": (64, 28, 28, 64, 3, 1),
}
batch = 64
for name, (c, h, w, out, k, pad) in shapes.items():
    conv = torch.nn.Conv2d(c, out, k, padding=pad, bias=True)
    x = torch.randn(batch, c, h, w, requires_grad=True)
    oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
    dy = torch.randn(batch, out, oh, ow)

    def step():
        conv.zero_grad(set_to_none=True)
        x.grad = None
        y = conv(x)
        y.backward(dy)

    flops = 3 * 2 * batch * out * oh * ow * c * k * k
    med, lo, hi = rounds(step)
    results["ConvBench." + name] = {"gflops": med * flops / 1e9, "min": lo * flops / 1e9, "max": hi * flops / 1e9}
    print("ConvBench %-7s torch %.1f GFLOP/s (%.1f-%.1f)" % (name, med * flops / 1e9, lo * flops / 1e9, hi * flops / 1e9))

lstm = torch.nn.LSTM(28, 128, batch_first=True)
seq = torch.randn(batch, 28, 28, requires_grad=True)
dout = torch.randn(batch, 28, 128)


def lstm_step():
    lstm.zero_grad(set_to_none=True)
    seq.grad = None
    y, _ = lstm(seq)
    y.backward(dout)


med, lo, hi = rounds(lstm_step)
results["LstmBench"] = {"samples_per_s": med * batch, "min": lo * batch, "max": hi * batch}
print("LstmBench         torch %.0f samples/s (%.0f-%.0f)" % (med * batch, lo * batch, hi * batch))
print("JSON " + json.dumps({"torch": torch.__version__, "threads": 1, "batch": batch, "results": results}))
