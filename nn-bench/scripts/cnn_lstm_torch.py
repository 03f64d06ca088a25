#!/usr/bin/python3
"""The PyTorch peers of issue 14's real tasks, the same models and hyperparameters as the simdnn
commands below, one thread (torch and OpenBLAS), Fashion-MNIST pixels x/255. Run by hand:
    env -u OPENBLAS_CORETYPE /usr/bin/python3 nn-bench/scripts/cnn_lstm_torch.py lenet|wide|lstm
simdnn's equivalents:
    ./simdnn train --data fashion-mnist --arch "conv2d(6,5),relu,maxpool(2),conv2d(16,5),relu,maxpool(2),flatten,dense(120,relu),dense(84,relu),dense(10)" --epochs 10 --batch-size 64 --scaling minmax --threads 1
    ./simdnn train --data fashion-mnist --arch "conv2d(32,3,pad=1),relu,maxpool(2),conv2d(64,3,pad=1),relu,maxpool(2),flatten,dense(128,relu),dense(10)" --epochs 4 --batch-size 64 --scaling minmax --threads 1
    ./simdnn train --data fashion-mnist --arch "lstm(128),last,dense(10)" --sequence rows --epochs 3 --batch-size 64 --scaling minmax --threads 1
Adam (lr 1e-3), softmax cross-entropy, shuffled batches. Prints each epoch's samples/s, the median
of epochs 2.., and the test accuracy; the last line is JSON.
"""
import gzip, json, os, struct, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
D = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


xtr = torch.from_numpy(idx(D + "/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
ytr = torch.from_numpy(idx(D + "/train-labels-idx1-ubyte.gz").astype(np.int64))
xte = torch.from_numpy(idx(D + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
yte = torch.from_numpy(idx(D + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))


class Last(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(self.lstm(x)[0][:, -1])


which = sys.argv[1]
torch.manual_seed(1)
if which == "lenet":
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    shape, epochs = (-1, 1, 28, 28), 10
elif which == "wide":
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1),
                          nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    shape, epochs = (-1, 1, 28, 28), 4
else:
    model = Last()
    shape, epochs = (-1, 28, 28), 3
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
lossf = nn.CrossEntropyLoss()
B = 64
rates = []
for ep in range(epochs):
    perm = torch.randperm(xtr.shape[0])
    t0 = time.perf_counter()
    model.train()
    for i in range(0, xtr.shape[0], B):
        idx_ = perm[i:i + B]
        xb, yb = xtr[idx_].reshape(shape), ytr[idx_]
        opt.zero_grad()
        loss = lossf(model(xb), yb)
        loss.backward()
        opt.step()
    dt = time.perf_counter() - t0
    rates.append(xtr.shape[0] / dt)
    print("epoch %d: %.1f s, %.0f samples/s" % (ep + 1, dt, rates[-1]), flush=True)
model.eval()
with torch.no_grad():
    acc = (model(xte.reshape(shape)).argmax(1) == yte).float().mean().item()
steady = float(np.median(rates[1:] or rates))
print("RESULT %s: steady %.0f samples/s, test accuracy %.4f" % (which, steady, acc))
print("JSON " + json.dumps(dict(task=which, torch=torch.__version__, threads=1, epochs=epochs, batch=B,
                                samples_per_s=rates, steady_samples_per_s=steady, test_accuracy=acc)))
