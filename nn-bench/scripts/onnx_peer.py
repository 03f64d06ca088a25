#!/usr/bin/python3
"""The peer of OnnxInferenceBench: exports a torch MLP 784-256-128-10 (ReLU) to ONNX with
torch.onnx.export (opset 17) at the path given, then measures that same torch model's inference on
one thread as ../shared/perf/mlp_torch.py does (batch-128 samples/s, the median of 5 passes over
10,000 rows; batch-1 latency, the median of 5,000 calls after 500 warm-up calls). Run by hand, with
Debian's python3-torch, OPENBLAS_CORETYPE unset:
    env -u OPENBLAS_CORETYPE /usr/bin/python3 nn-bench/scripts/onnx_peer.py /tmp/mlp784.onnx
then: ./simdnn bench OnnxInferenceBench -p onnx=/tmp/mlp784.onnx
"""
import json, os, sys, time
# one thread: torch's own and OpenBLAS's (which otherwise takes every core)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10)).eval()
x = torch.rand(10000, 784)
torch.onnx.export(model, x[:1], sys.argv[1], opset_version=17, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})

def b128():
    with torch.no_grad():
        for i in range(0, x.shape[0], 128):
            model(x[i:i + 128])

b128()
ts = []
for _ in range(5):
    t0 = time.perf_counter(); b128(); ts.append(time.perf_counter() - t0)
lat = []
with torch.no_grad():
    for i in range(500):
        model(x[i:i + 1])
    for i in range(5000):
        xi = x[i:i + 1]
        t0 = time.perf_counter(); model(xi); lat.append(time.perf_counter() - t0)
res = dict(torch=torch.__version__, threads=torch.get_num_threads(), openblas_threads=os.environ["OPENBLAS_NUM_THREADS"],
           onnx=sys.argv[1],
           infer_b128_samples_per_s=x.shape[0] / sorted(ts)[2], infer_b1_latency_us_median=float(np.median(lat)) * 1e6)
print("JSON " + json.dumps(res))
