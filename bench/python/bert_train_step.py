#!/usr/bin/env python3
"""PyTorch eager baseline for TextTagger's train-step and infer benchmarks.

The same network as TextTagger's BertForMultiLabelClassification, written out plainly (Hugging Face BertModel's
module layout and parameter names, no transformers package): MiniLM dimensions by default (6 layers, hidden 384,
12 heads, intermediate 1536, vocab 30522, exact GELU, LayerNorm eps 1e-12, dropout 0.1), mean or [CLS]-pooler
pooling, dropout, Linear(hidden, labels); BCE-with-logits loss; AdamW (lr 2e-5, weight decay 0.01, no decay on
biases and LayerNorm weights, the same four parameter groups as OptimizerSetup); clip_grad_norm_ 1.0.

Weights are randomly initialised (speed does not depend on them); inputs are random token ids, no padding.

    /usr/bin/python3 bench/python/bert_train_step.py --batch 32 --seq 128 --steps 20 --warmup 3
    /usr/bin/python3 bench/python/bert_train_step.py --infer

Needs Debian's python3-torch (1.13) and libopenblas0-openmp: use /usr/bin/python3, since a pyenv `python3` earlier on
PATH does not see Debian's packages. PyTorch 1.13 has no scaled_dot_product_attention, so attention is Hugging Face's
eager matmul → softmax → dropout → matmul; AdamW is the single-tensor loop (1.13's default) unless --foreach.

Prints one JSON object on stdout (the last line); progress goes to stderr.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    def __init__(self, args):
        self.vocab_size = args.vocab
        self.hidden_size = args.hidden
        self.num_hidden_layers = args.layers
        self.num_attention_heads = args.heads
        self.intermediate_size = args.intermediate
        self.max_position_embeddings = 512
        self.type_vocab_size = 2
        self.layer_norm_eps = 1e-12
        self.hidden_dropout_prob = args.dropout
        self.attention_probs_dropout_prob = 0.0 if args.attn_dropout0 else args.dropout
        self.pad_token_id = 0
        self.initializer_range = 0.02


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.shape[1], dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    """Hugging Face's eager attention (PyTorch 1.13 has no scaled_dot_product_attention)."""

    def __init__(self, c):
        super().__init__()
        self.heads = c.num_attention_heads
        self.head_dim = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, hidden, additive_mask):
        q, k, v = self.split(self.query(hidden)), self.split(self.key(hidden)), self.split(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if additive_mask is not None:
            scores = scores + additive_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).transpose(1, 2)
        b, s = hidden.shape[0], hidden.shape[1]
        return context.reshape(b, s, self.heads * self.head_dim)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, context, residual):
        return self.LayerNorm(self.dropout(self.dense(context)) + residual)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, hidden, additive_mask):
        return self.output(self.self(hidden, additive_mask), hidden)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return F.gelu(self.dense(x))  # exact (erf) GELU


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, hidden, additive_mask):
        attended = self.attention(hidden, additive_mask)
        return self.output(self.intermediate(attended), attended)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, hidden, additive_mask):
        for block in self.layer:
            hidden = block(hidden, additive_mask)
        return hidden


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.embeddings(input_ids, token_type_ids)
        keep = attention_mask.to(hidden.dtype)[:, None, None, :]
        additive = (1.0 - keep) * torch.finfo(hidden.dtype).min
        last = self.encoder(hidden, additive)
        # Like TextTagger's BertModel, the pooler always runs (its output is unused with mean pooling).
        return last, self.pooler(last)


class BertForMultiLabelClassification(nn.Module):
    def __init__(self, c, labels, pooling):
        super().__init__()
        self.pooling = pooling
        self.bert = BertModel(c)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.classifier = nn.Linear(c.hidden_size, labels)
        for name, module in self.named_modules():
            if isinstance(module, nn.Linear):
                module.weight.data.normal_(0.0, c.initializer_range)
                module.bias.data.zero_()
            elif isinstance(module, nn.Embedding):
                module.weight.data.normal_(0.0, c.initializer_range)
                if module.padding_idx is not None:
                    module.weight.data[module.padding_idx].zero_()
            elif isinstance(module, nn.LayerNorm):
                module.weight.data.fill_(1.0)
                module.bias.data.zero_()

    def forward(self, input_ids, attention_mask, token_type_ids):
        last, pooled = self.bert(input_ids, attention_mask, token_type_ids)
        if self.pooling == "mean":
            w = attention_mask.to(last.dtype).unsqueeze(-1)
            pooled = (last * w).sum(1) / w.sum(1).clamp_min(1e-9)
        return self.classifier(self.dropout(pooled))


def takes_weight_decay(name):
    return not (name.endswith(".bias") or "LayerNorm" in name)


def make_optimizer(model, args):
    """The four groups of TextTagger's OptimizerSetup: (encoder, head) × (decay, no decay)."""
    named = list(model.named_parameters())
    groups = []
    for head in (False, True):
        for decay in (True, False):
            params = [p for n, p in named if n.startswith("classifier.") == head and takes_weight_decay(n) == decay]
            if params:
                groups.append({"params": params, "lr": args.lr, "weight_decay": args.weight_decay if decay else 0.0})
    kwargs = {}
    if args.foreach:
        kwargs["foreach"] = True
    return torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.999), eps=1e-8, **kwargs)


def random_batch(args, batch, seq, generator):
    ids = torch.randint(1, args.vocab, (batch, seq), generator=generator, dtype=torch.long)
    mask = torch.ones(batch, seq, dtype=torch.long)
    types = torch.zeros(batch, seq, dtype=torch.long)
    return ids, mask, types


def blas_library():
    """The BLAS library actually mapped into this process (Debian's torch says only BLAS_INFO=generic)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(paths)) or "none mapped"
    except OSError:
        return "unknown"


def peak_rss_mb():
    """This process's peak resident set (VmHWM). Not getrusage's ru_maxrss: Linux carries that across execve, so a
    child of a large process (the .NET benchmark) would report its parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values, q):
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summary(times):
    s = sorted(times)
    return {"median_s": statistics.median(s), "p10": percentile(s, 0.1), "p90": percentile(s, 0.9), "steps": len(s)}


def train(args, model):
    dtype = torch.bfloat16 if args.bf16 else torch.float32
    model.to(dtype)
    model.train()
    optimizer = make_optimizer(model, args)
    parameters = [p for p in model.parameters()]
    g = torch.Generator().manual_seed(args.seed)
    ids, mask, types = random_batch(args, args.batch, args.seq, g)
    targets = torch.randint(0, 2, (args.batch, args.labels), generator=g).to(dtype)

    times, phases = [], {"forward": [], "backward": [], "clip": [], "optimizer": []}
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.autocast):
            logits = model(ids, mask, types)
        loss = F.binary_cross_entropy_with_logits(logits.float(), targets)
        t1 = time.perf_counter()
        optimizer.zero_grad(set_to_none=False)  # TorchSharp's zero_grad zeroes in place
        loss.backward()
        t2 = time.perf_counter()
        if not args.no_clip:
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        t3 = time.perf_counter()
        optimizer.step()
        # What Trainer.TrainStep also does: read the probabilities and the loss back.
        logits.detach().sigmoid().float().numpy()
        loss_value = loss.item()
        t4 = time.perf_counter()
        label = "warm-up" if step < args.warmup else "step"
        print(f"{label} {step + 1}: {t4 - t0:.3f} s (loss {loss_value:.4f})", file=sys.stderr)
        if step >= args.warmup:
            times.append(t4 - t0)
            for key, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                phases[key].append(value)
    result = summary(times)
    result["phases_median_s"] = {k: statistics.median(v) for k, v in phases.items()}
    return result


def infer(args, model):
    model.eval()
    g = torch.Generator().manual_seed(args.seed)
    result = {}
    with torch.no_grad():
        for name, batch, seq, runs in (("throughput", args.infer_batch, args.infer_seq, args.steps),
                                       ("latency", 1, args.latency_seq, args.latency_runs)):
            ids, mask, types = random_batch(args, batch, seq, g)
            for _ in range(max(1, args.warmup)):
                model(ids, mask, types)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                model(ids, mask, types).numpy()
                times.append(time.perf_counter() - t0)
            s = summary(times)
            s.update({"batch": batch, "seq": seq, "texts_per_s": batch / s["median_s"]})
            print(f"{name} {batch}x{seq}: median {s['median_s']:.4f} s", file=sys.stderr)
            result[name] = s
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=20, help="timed steps (in --infer: timed batches of the throughput run)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--labels", type=int, default=6)
    p.add_argument("--pooling", choices=["mean", "cls"], default="mean")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--attn-dropout0", action="store_true", help="attention-probability dropout 0")
    p.add_argument("--no-clip", action="store_true", help="skip clip_grad_norm_")
    p.add_argument("--bf16", action="store_true", help="model and targets in bfloat16 (pure bf16, no autocast)")
    p.add_argument("--autocast", action="store_true",
                   help="torch.autocast('cpu', bfloat16) around the forward: mixed precision with float32 weights")
    p.add_argument("--foreach", action="store_true", help="AdamW(foreach=True)")
    p.add_argument("--infer", action="store_true", help="no_grad eval forward: batch throughput and batch-1 latency")
    p.add_argument("--infer-batch", type=int, default=64)
    p.add_argument("--infer-seq", type=int, default=128)
    p.add_argument("--latency-seq", type=int, default=128)
    p.add_argument("--latency-runs", type=int, default=50)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--hidden", type=int, default=384)
    p.add_argument("--heads", type=int, default=12)
    p.add_argument("--intermediate", type=int, default=1536)
    p.add_argument("--vocab", type=int, default=30522)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = BertForMultiLabelClassification(Config(args), args.labels, args.pooling)
    result = infer(args, model) if args.infer else train(args, model)
    result.update({
        "mode": "infer" if args.infer else "train",
        **({} if args.infer else {"batch": args.batch, "seq": args.seq}),
        "threads": torch.get_num_threads(), "bf16": args.bf16, "autocast": args.autocast,
        "torch": torch.__version__, "parameters": sum(p.numel() for p in model.parameters()),
        "blas": blas_library(),
        "peak_rss_mb": peak_rss_mb(),
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()
