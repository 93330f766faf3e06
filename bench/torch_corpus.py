#!/usr/bin/env python3
"""Peer for the corpus-scale case of `npm run bench`: the same 2-layer LSTM(256) token model in
PyTorch on the CPU, trained on the same batches of windows, timed the same way.

Model (as the engine's): Embedding(vocab, 32) -> LSTM(256) -> LSTM(256) -> Linear(vocab), softmax
cross-entropy on the token after each window, Adam lr 1e-3 (eps 1e-7), stateless.

With --scheme sequence (truncated backpropagation through time, as the engine's sequence scheme):
the LSTMs return every step and the Linear layer predicts at each; the loss is the cross-entropy
averaged over the real (weight 1) steps; the hidden state is carried from one batch to the next,
detached between them (truncation), and zeroed in the lanes whose window starts a tune.

Usage: torch_corpus.py BATCHES.json [--threads N] [--scheme windows|sequence]
BATCHES.json (windows): {"vocab", "window", "batch", "warmup", "inputs": [[ids of one window], ...],
               "labels": [...]} — consecutive groups of `batch` windows are the batches.
BATCHES.json (sequence): {"vocab", "window", "streams", "warmup", "batches", "inputs", "labels",
               "weights" (flat, batch k lane l step t at (k*streams + l)*window + t), "starts"
               (flat, k*streams + l: 1 where that lane's window starts a tune)}.
Prints one JSON line: {"tokens_per_s", "ms_per_batch", "batches", "threads", "torch"}; tokens
are windows (one prediction each) for windows, real steps for sequence.
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

    def forward_steps(self, x, state):
        out, state = self.lstm(self.embedding(x), state)
        return self.fc(out), state


def train_sequences(spec, model, opt):
    streams, window, warmup, count = spec['streams'], spec['window'], spec['warmup'], spec['batches']
    xs = torch.tensor(spec['inputs'], dtype=torch.long).view(count, streams, window)
    ys = torch.tensor(spec['labels'], dtype=torch.long).view(count, streams, window)
    ws = torch.tensor(spec['weights'], dtype=torch.float32).view(count, streams, window)
    starts = torch.tensor(spec['starts'], dtype=torch.float32).view(count, streams)
    units = model.lstm.hidden_size
    h = torch.zeros(model.lstm.num_layers, streams, units)
    c = torch.zeros(model.lstm.num_layers, streams, units)
    timed, tokens = 0.0, 0.0
    for b in range(count):
        t0 = time.perf_counter()
        keep = (1 - starts[b]).view(1, streams, 1)
        state = (h.detach() * keep, c.detach() * keep)
        logits, (h, c) = model.forward_steps(xs[b], state)
        per_step = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys[b].reshape(-1), reduction='none')
        w = ws[b].reshape(-1)
        loss = (per_step * w).sum() / w.sum().clamp(min=1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if b >= warmup:
            timed += time.perf_counter() - t0
            tokens += float(w.sum())
    return tokens, timed, count - warmup


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('batches')
    ap.add_argument('--threads', type=int, default=0, help='0: torch default')
    ap.add_argument('--scheme', choices=['windows', 'sequence'], default='windows')
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(5)
    spec = json.load(open(a.batches))
    if a.scheme == 'sequence':
        model = TokenLSTM(spec['vocab'])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        tokens, timed, measured = train_sequences(spec, model, opt)
        print(json.dumps({
            'tokens_per_s': tokens / timed,
            'ms_per_batch': 1000 * timed / measured,
            'batches': measured,
            'threads': torch.get_num_threads(),
            'torch': torch.__version__,
        }))
        return
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
