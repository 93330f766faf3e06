#!/usr/bin/env python3
"""Peer for the corpus-scale case of `npm run bench`: the same 2-layer LSTM(256) token model in
PyTorch on the CPU, trained on the same batches of windows, timed the same way.

Model (as the engine's): Embedding(vocab, 32) -> LSTM(256) -> LSTM(256) -> Linear(vocab), softmax
cross-entropy on the token after each window, Adam lr 1e-3 (eps 1e-7), stateless.

Usage: torch_corpus.py BATCHES.json [--threads N]
BATCHES.json: {"vocab", "window", "batch", "warmup", "inputs": [[ids of one window], ...],
               "labels": [...]} — consecutive groups of `batch` windows are the batches.
Prints one JSON line: {"tokens_per_s", "ms_per_batch", "batches", "threads", "torch"}.
"""
import argparse
import json
import time

import torch


class TokenLSTM(torch.nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, 32)
        self.lstm = torch.nn.LSTM(32, 256, num_layers=2, batch_first=True)
        self.fc = torch.nn.Linear(256, vocab)

    def forward(self, x):
        out, _ = self.lstm(self.embedding(x))
        return self.fc(out[:, -1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('batches')
    ap.add_argument('--threads', type=int, default=0, help='0: torch default')
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(5)
    spec = json.load(open(a.batches))
    xs = torch.tensor(spec['inputs'], dtype=torch.long)
    ys = torch.tensor(spec['labels'], dtype=torch.long)
    batch, warmup = spec['batch'], spec['warmup']
    model = TokenLSTM(spec['vocab'])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    lossf = torch.nn.CrossEntropyLoss()
    count = len(xs) // batch
    timed = 0.0
    for b in range(count):
        t0 = time.perf_counter()
        x, y = xs[b * batch:(b + 1) * batch], ys[b * batch:(b + 1) * batch]
        loss = lossf(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if b >= warmup:
            timed += time.perf_counter() - t0
    measured = count - warmup
    print(json.dumps({
        'tokens_per_s': measured * batch / timed,
        'ms_per_batch': 1000 * timed / measured,
        'batches': measured,
        'threads': torch.get_num_threads(),
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
