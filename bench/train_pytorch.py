#!/usr/bin/env python3
"""The CIFAR-form ResNet-18 of workloads/models/resnet.cpp in Python PyTorch, timed the way
`signrate train` times a step (forward, cross-entropy, backward, optimizer step), for
bench/compare_train.sh. Prints one JSON line: images per second over the timed steps.

  python3 bench/train_pytorch.py --batch 128 --steps 6 --warmup 2 --threads 2 --optimizer sgdm
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, planes, 3, stride, 1, bias=False), nn.BatchNorm2d(planes), nn.ReLU(),
            nn.Conv2d(planes, planes, 3, 1, 1, bias=False), nn.BatchNorm2d(planes))
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, 0, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        return F.relu(self.body(x) + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, width=64, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        blocks, cin = [], width
        for s in range(4):
            for b in range(2):
                blocks.append(Block(cin, width << s, 2 if s > 0 and b == 0 else 1))
                cin = width << s
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean((2, 3)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--optimizer", default="sgdm", choices=["sgdm", "adamw"])
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = ResNet18()
    opt = (torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9) if a.optimizer == "sgdm" else
           torch.optim.AdamW(model.parameters(), lr=1e-3))
    x = torch.randn(a.batch, 3, 32, 32)
    y = torch.randint(10, (a.batch,))
    seconds = 0.0
    for k in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if k >= a.warmup:
            seconds += time.perf_counter() - t0
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "batch": a.batch,
                      "steps": a.steps, "images_per_second": a.batch * a.steps / seconds}))


if __name__ == "__main__":
    main()
