#!/usr/bin/python3
"""
Yardstick: the Candlemark span model re-implemented in PyTorch, trained on the same exported data
with the same initial weights, batch order, optimiser and loss definitions as the TypeScript
trainer (core/ml/training/train.ts + core/ml/model/ (encoder.ts, heads.ts, losses.ts)), for both encoders ('conv' and
'conv-attn', taken from the export's spec) and both heads. Writes per-epoch losses and
timings (JSON) and the best-epoch predictions (float32 binaries); the TS driver computes the F1
figures with the same metric code as the app.

usage: yardstick.py <export-dir> <head: soft|crf> <out-dir> [--threads 2]
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as Fn

TASKS = ["pointer", "type", "span", "countdown"]
KERNEL = 5
DILATIONS = [1, 2, 4]  # default; an export's spec.dilations (ModelSpec.dilations) overrides it
COL_START, COL_POOL, COL_COUNTDOWN, COL_SPAN = 0, 2, 3, 4


def load_export(d):
    with open(os.path.join(d, "data.json")) as f:
        meta = json.load(f)
    blob = open(os.path.join(d, "data.bin"), "rb").read()

    def arr(entry):
        dt = np.float32 if entry["dtype"] == "float32" else np.int32
        a = np.frombuffer(blob, dtype=dt, count=int(np.prod(entry["shape"])), offset=entry["offset"])
        return torch.from_numpy(a.copy().reshape(entry["shape"]))

    arrays = {k: arr(v) for k, v in meta["arrays"].items()}
    return meta, arrays


class SpanNet(torch.nn.Module):
    def __init__(self, spec, init):
        super().__init__()
        self.spec = spec
        self.params = torch.nn.ParameterDict()
        self.names = []
        for t in init:
            key = t["name"].replace("/", "__")
            self.params[key] = torch.nn.Parameter(t["tensor"].clone())
            self.names.append(t["name"])
        if spec["encoder"] == "conv-attn":
            H = spec["hidden"]
            # q/k width as attnKeyDim() in span-model.ts; the exported shapes must agree with it
            dk = max(4, H // 2)
            assert tuple(self.p("enc/attn/q").shape) == (H, dk), "enc/attn/q shape differs from attnKeyDim(H)"
            self.register_buffer("pos", sinusoid(spec["windowLength"], H), persistent=False)
        elif spec["encoder"] != "conv":
            raise NotImplementedError(f"unknown encoder {spec['encoder']!r}")

    def p(self, name):
        return self.params[name.replace("/", "__")]

    def drop_hidden(self, y):
        # spec.dropout (core/ml/model/dropout.ts): per element on each encoder layer's output before
        # its residual add, inverted scaling, training mode only (torch's own RNG: masks differ from tfjs)
        return Fn.dropout(y, p=self.spec.get("dropout") or 0.0, training=self.training)

    def drop_input(self, x):
        # spec.inputDropout: whole input feature channels per window ([B,1,F] mask), training mode only
        rate = self.spec.get("inputDropout") or 0.0
        if not self.training or rate == 0:
            return x
        keep = torch.bernoulli(torch.full((x.shape[0], 1, x.shape[2]), 1.0 - rate))
        return x * keep / (1.0 - rate)

    def forward(self, x):
        B, T, _ = x.shape
        h3 = self.drop_input(x)
        h = None
        for l, d in enumerate(self.spec.get("dilations") or DILATIONS):
            pad = d * (KERNEL - 1) // 2
            padded = Fn.pad(h3, (0, 0, pad, pad))
            taps = [padded[:, j * d : j * d + T, :] for j in range(KERNEL)]
            cols = torch.cat(taps, dim=2)
            y = self.drop_hidden(torch.relu(cols @ self.p(f"enc/conv{l}/w") + self.p(f"enc/conv{l}/b")))
            h = y if l == 0 else h + y
            h3 = h
        if self.spec["encoder"] == "conv-attn":
            # one single-head self-attention layer over the window, as SpanModelImpl.forward:
            # positions are added to the attention input only (not to the residual stream);
            # q/k/v have no bias, the output projection has one, and its output is added to the
            # conv output, which is also what the type head pools (h).
            hp = h3 + self.pos
            q = hp @ self.p("enc/attn/q")
            k = hp @ self.p("enc/attn/k")
            v = hp @ self.p("enc/attn/v")
            att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(q.shape[2]), dim=2)  # [B,T,T]
            h3 = h3 + self.drop_hidden((att @ v) @ self.p("enc/attn/out/w") + self.p("enc/attn/out/b"))
        out = h3 @ self.p("head/w") + self.p("head/b")  # [B,T,P]
        return h3, out

    def type_logits(self, h, pool):
        a = torch.softmax(pool, dim=1)  # [B,T]
        pooled = torch.einsum("bt,bth->bh", a, h)
        return pooled @ self.p("type/w") + self.p("type/b")


def sinusoid(T, H):
    """Fixed position encodings [T,H] as sinusoid() in span-model.ts (base 1000, not 10000):
    even channels sin, odd cos, channel pair i//2 at frequency 1000^(-2*(i//2)/H); computed in
    float64 and stored as float32 like the TS Float32Array."""
    t = np.arange(T, dtype=np.float64)[:, None]
    i = np.arange(H)
    freq = 1.0 / np.power(1000.0, (2 * (i // 2)) / H)
    ang = t * freq[None, :]
    return torch.from_numpy(np.where(i % 2 == 0, np.sin(ang), np.cos(ang)).astype(np.float32))


def crf_log_partition(emis, trans, start, end):
    # emis [B,T,K]
    alpha = start[None, :] + emis[:, 0, :]
    for t in range(1, emis.shape[1]):
        alpha = torch.logsumexp(alpha[:, :, None] + trans[None, :, :], dim=1) + emis[:, t, :]
    return torch.logsumexp(alpha + end[None, :], dim=1)


def crf_path_score(emis, trans, start, end, tags):
    B, T, K = emis.shape
    e = torch.gather(emis, 2, tags[:, :, None]).squeeze(2).sum(1)
    tr = trans[tags[:, :-1], tags[:, 1:]].sum(1)
    return e + tr + start[tags[:, 0]] + end[tags[:, -1]]


def crf_marginals_viterbi(emis, trans, start, end):
    """P(tag) per bar by forward-backward, and the Viterbi path. emis [B,T,K] (no grad)."""
    B, T, K = emis.shape
    alpha = torch.empty(B, T, K, dtype=torch.float64)
    beta = torch.empty(B, T, K, dtype=torch.float64)
    e = emis.double()
    tr, st, en = trans.double(), start.double(), end.double()
    alpha[:, 0] = st[None] + e[:, 0]
    for t in range(1, T):
        alpha[:, t] = torch.logsumexp(alpha[:, t - 1, :, None] + tr[None], dim=1) + e[:, t]
    beta[:, T - 1] = en[None].expand(B, K)
    for t in range(T - 2, -1, -1):
        beta[:, t] = torch.logsumexp(tr[None] + (e[:, t + 1] + beta[:, t + 1])[:, None, :], dim=2)
    logz = torch.logsumexp(alpha[:, T - 1] + en[None], dim=1)
    marg = torch.exp(alpha + beta - logz[:, None, None])
    # Viterbi
    score = st[None] + e[:, 0]
    back = torch.empty(B, T, K, dtype=torch.long)
    for t in range(1, T):
        cand = score[:, :, None] + tr[None]
        score, back[:, t] = cand.max(dim=1)
        score = score + e[:, t]
    score = score + en[None]
    path = torch.empty(B, T, dtype=torch.long)
    path[:, T - 1] = score.argmax(dim=1)
    for t in range(T - 1, 0, -1):
        path[:, t - 1] = back[torch.arange(B), t, path[:, t]]
    return marg, path


def losses(model, batch):
    # Same rules as core/ml/model/losses.ts: confidence-weighted SUMS divided by COUNTS (not by the
    # sum of the weights), per-bar weights for span/countdown, countdown only where it is known.
    spec = model.spec
    x = batch["x"]
    B, T, _ = x.shape
    h, out = model(x)
    w = batch["weight"]
    bw = batch["barWeight"]
    w_span = w * batch["hasSpan"]
    n_span = torch.clamp(batch["hasSpan"].sum(), min=1.0)

    def pointer_ce(logits, target):
        lp = torch.log_softmax(logits, dim=1)
        valid = target >= 0
        tgt = torch.clamp(target, min=0).long()
        return -torch.gather(lp, 1, tgt[:, None]).squeeze(1) * valid.float()

    ce = 0.5 * (pointer_ce(out[:, :, COL_START], batch["start"]) + pointer_ce(out[:, :, COL_START + 1], batch["end"]))
    l_pointer = (ce * w_span).sum() / n_span

    tl = torch.log_softmax(model.type_logits(h, out[:, :, COL_POOL]), dim=1)
    ti = batch["typeIndex"]
    tce = -torch.gather(tl, 1, torch.clamp(ti, min=0).long()[:, None]).squeeze(1) * (ti >= 0).float()
    l_type = (tce * w_span).sum() / n_span

    if spec["head"] == "soft":
        z = out[:, :, COL_SPAN]
        bce = Fn.softplus(z) - z * batch["softMask"]
        l_span = (bce * bw).sum() / (B * T)
    else:
        emis = out[:, :, COL_SPAN : COL_SPAN + 2]
        tags = (batch["mask"] > 0.5).long()
        tr, st, en = model.p("crf/trans"), model.p("crf/start"), model.p("crf/end")
        nll = crf_log_partition(emis, tr, st, en) - crf_path_score(emis, tr, st, en, tags)
        l_span = (nll * bw.mean(1)).sum() / (B * T)

    cd = out[:, :, COL_COUNTDOWN]
    cm = batch["countdownMask"]
    se = (cd - torch.log1p(batch["countdown"])) ** 2 * cm
    l_cd = (se * bw).sum() / torch.clamp(cm.sum(), min=1.0)

    s = model.p("loss/logSigma")
    L = torch.stack([l_pointer, l_type, l_span, l_cd])
    total = (torch.exp(-2 * s) * L + s).sum()
    return total, L


def take(arrs, prefix, idx):
    keys = ["x", "mask", "softMask", "countdown", "start", "end", "typeIndex", "hasSpan", "weight", "barWeight", "countdownMask"]
    return {k: arrs[f"{prefix}_{k}"][idx] for k in keys}


@torch.no_grad()
def eval_loss(model, arrs, prefix, n, bs=64):
    model.eval()  # no dropout when evaluating (the training loop sets train() before each step)
    tot = 0.0
    per = np.zeros(4)
    for i in range(0, n, bs):
        idx = torch.arange(i, min(n, i + bs))
        t, L = losses(model, take(arrs, prefix, idx))
        tot += float(t) * len(idx)
        per += L.numpy() * len(idx)
    return tot / n, per / n


@torch.no_grad()
def predict(model, x, bs=64):
    spec = model.spec
    model.eval()
    outs = {"spanProb": [], "viterbi": [], "startProb": [], "endProb": [], "typeProb": [], "countdown": []}
    for i in range(0, x.shape[0], bs):
        xb = x[i : i + bs]
        h, out = model(xb)
        outs["startProb"].append(torch.softmax(out[:, :, COL_START], 1))
        outs["endProb"].append(torch.softmax(out[:, :, COL_START + 1], 1))
        outs["typeProb"].append(torch.softmax(model.type_logits(h, out[:, :, COL_POOL]), 1))
        outs["countdown"].append(torch.clamp(torch.expm1(out[:, :, COL_COUNTDOWN]), min=0))
        if spec["head"] == "soft":
            outs["spanProb"].append(torch.sigmoid(out[:, :, COL_SPAN]))
            outs["viterbi"].append(torch.zeros_like(out[:, :, 0]))
        else:
            marg, path = crf_marginals_viterbi(out[:, :, COL_SPAN : COL_SPAN + 2], model.p("crf/trans"), model.p("crf/start"), model.p("crf/end"))
            outs["spanProb"].append((1 - marg[:, :, 0]).float())
            outs["viterbi"].append(path.float())
    return {k: torch.cat(v).numpy().astype(np.float32) for k, v in outs.items()}


def runs_of(flags):
    out, start = [], -1
    for i, on in enumerate(flags):
        if on and start < 0:
            start = i
        if not on and start >= 0:
            out.append([start, i - 1])
            start = -1
    if start >= 0:
        out.append([start, len(flags) - 1])
    return out


def post_process(runs, min_length=3, merge_gap=2):
    # core/ml/eval/decode.ts postProcessRuns with DEFAULT_DECODE
    merged = []
    for r in runs:
        if merged and r[0] - merged[-1][1] - 1 <= merge_gap:
            merged[-1][1] = r[1]
        else:
            merged.append([r[0], r[1]])
    return [r for r in merged if r[1] - r[0] + 1 >= min_length]


def match_count(pred, truth, min_iou=0.5):
    # core/ml/eval/metrics.ts matchSpans: one-to-one greedy by IoU
    cands = []
    for i, a in enumerate(pred):
        for j, b in enumerate(truth):
            inter = min(a[1], b[1]) - max(a[0], b[0]) + 1
            if inter <= 0:
                continue
            v = inter / ((a[1] - a[0] + 1) + (b[1] - b[0] + 1) - inter)
            if v >= min_iou:
                cands.append((-v, i, j))
    cands.sort()
    used_p, used_t = set(), set()
    for _, i, j in cands:
        if i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
    return len(used_p)


def span_f1_of(flags_per_window, truths):
    tp = fp = fn = 0
    for flags, truth in zip(flags_per_window, truths):
        pred = post_process(runs_of(flags.tolist()))
        m = match_count(pred, truth)
        tp, fp, fn = tp + m, fp + len(pred) - m, fn + len(truth) - m
    if tp + fp + fn == 0:
        return 1.0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def val_span_f1(vp, mask, head):
    # core/ml/training/epoch-criterion.ts validationSpanF1: the report's decoding (CRF by Viterbi, the
    # soft head at its best threshold of the grid 0.05 .. 0.95), truth = the runs of the hard mask,
    # both post-processed; micro F1 at IoU >= 0.5
    truths = [post_process(runs_of((mask[w] >= 0.5).tolist())) for w in range(mask.shape[0])]
    if head == "crf":
        return span_f1_of([vp["viterbi"][w] > 0 for w in range(mask.shape[0])], truths)
    grid = [round(i * 5) / 100 for i in range(1, 20)]
    return max(span_f1_of([vp["spanProb"][w] >= th for w in range(mask.shape[0])], truths) for th in grid)


def bar_f1(prob, mask, th=0.5):
    p = prob >= th
    t = mask > 0.5
    tp = float((p & t).sum())
    fp = float((p & ~t).sum())
    fn = float((~p & t).sum())
    return 1.0 if tp + fp + fn == 0 else (2 * tp / (2 * tp + fp + fn))


def main():
    exp_dir, head, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    threads = 2
    if "--threads" in sys.argv:
        threads = int(sys.argv[sys.argv.index("--threads") + 1])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    meta, arrs = load_export(exp_dir)
    cfg = meta["config"]
    init = [{"name": t["name"], "tensor": arrs[f"init_{head}_{t['name']}"]} for t in meta["init"][head]]
    spec = dict(meta["spec"], head=head)
    model = SpanNet(spec, init)
    # tf.train.adam defaults: beta1 0.9, beta2 0.999, epsilon 1e-7 (float32 backend epsilon)
    weighting = cfg.get("taskWeighting", "learned")
    # closed-form modes (core/ml/training/task-weights.ts): the optimiser updates the network only
    params = [p for n, p in model.params.items() if n != "loss__logSigma" or weighting == "learned"]
    opt = torch.optim.Adam(params, lr=cfg["learningRate"], betas=(0.9, 0.999), eps=1e-7)
    ema = {"v": np.zeros(4), "steps": np.zeros(4)}
    decay = {"ema-val": 0.7, "ema-train": 0.98}.get(weighting)

    def observe(per):
        # sigma^2 = 2 * bias-corrected EMA of the per-task loss, s clamped to [-1.5, 1.5]
        if decay is None:
            return
        # a task with loss exactly 0 (no examples) is no observation; bias correction per task
        per = np.asarray(per, dtype=np.float64)
        seen = np.isfinite(per) & (per > 0)
        ema["steps"] = ema["steps"] + seen
        ema["v"] = np.where(seen, decay * ema["v"] + (1 - decay) * np.where(seen, per, 0), ema["v"])
        sm = np.where(ema["steps"] > 0, ema["v"] / (1 - decay ** np.maximum(ema["steps"], 1)), np.nan)
        s = np.where(np.isnan(sm), 0.0, 0.5 * np.log(2 * np.maximum(np.nan_to_num(sm, nan=1.0), 1e-300))).clip(-1.5, 1.5)
        with torch.no_grad():
            model.p("loss/logSigma").copy_(torch.tensor(s, dtype=torch.float32))

    n_train, n_val = meta["nTrain"], meta["nVal"]
    orders = arrs["orders"].long()  # [epochs, nTrain]: the TS trainer's seeded shuffles
    bs = cfg["batchSize"]

    def criterion(per):
        # the span loss (train.ts valCriterion; the tie-breaker of the 'span-f1' epoch rule)
        return float(per[2])

    epoch_rule = cfg.get("epochCriterion", "span-f1")
    val_mask = arrs["val_mask"].numpy()

    def better(f1, loss, best_f1, best_loss):
        # core/ml/training/epoch-criterion.ts isBetterEpoch
        if epoch_rule == "span-loss":
            return loss < best_loss
        if f1 > best_f1 + 1e-9:
            return True
        return abs(f1 - best_f1) <= 1e-9 and loss < best_loss

    # Polyak averaging of the network weights (core/ml/training/weight-average.ts) and the cosine
    # learning-rate schedule (train.ts scheduledLearningRate), when the run asks for them
    avg_cfg = cfg.get("weightAverage", False)
    avg_decay = None if avg_cfg in (False, None) else (0.995 if avg_cfg is True else float(avg_cfg))
    net = {n: p for n, p in model.params.items() if n != "loss__logSigma"}
    shadow = {n: p.detach().clone() for n, p in net.items()} if avg_decay else None
    avg_updates = [0]

    def average_update():
        avg_updates[0] += 1
        n = avg_updates[0]
        d = min(avg_decay, (1 + n) / (10 + n))
        with torch.no_grad():
            for k, p in net.items():
                shadow[k].mul_(d).add_(p.detach(), alpha=1 - d)

    def with_averaged(fn):
        if shadow is None:
            return fn()
        raw = {k: p.detach().clone() for k, p in net.items()}
        try:
            with torch.no_grad():
                for k, p in net.items():
                    p.copy_(shadow[k])
            return fn()
        finally:
            with torch.no_grad():
                for k, p in net.items():
                    p.copy_(raw[k])

    schedule = cfg.get("lrSchedule", "constant")
    # decoupled (AdamW) weight decay after each step, before the average (weight-average.ts applyWeightDecay)
    wd_cfg = cfg.get("weightDecay", 0) or 0
    weight_decay = float(wd_cfg.get(head, 0) if isinstance(wd_cfg, dict) else wd_cfg)

    def lr_at(ep):
        lr, E = cfg["learningRate"], cfg["epochs"]
        if schedule != "cosine" or E <= 1:
            return lr
        lo = 0.1 * lr
        return lo + (lr - lo) * 0.5 * (1 + math.cos(math.pi * (ep - 1) / (E - 1)))

    t0 = time.perf_counter()
    tr0, tr0p = eval_loss(model, arrs, "train", n_train)
    va0, va0p = eval_loss(model, arrs, "val", n_val)
    observe(tr0p if weighting == "ema-train" else va0p)
    best = {
        "val": criterion(va0p),
        "f1": val_span_f1(predict(model, arrs["val_x"]), val_mask, head) if epoch_rule == "span-f1" else float("nan"),
        "epoch": 0,
        "state": {k: v.detach().clone() for k, v in model.state_dict().items()},
    }
    epochs = []
    for ep in range(1, cfg["epochs"] + 1):
        te = time.perf_counter()
        lr_now = lr_at(ep)
        for g in opt.param_groups:
            g["lr"] = lr_now
        order = orders[ep - 1]
        acc_t, acc_p, seen = 0.0, np.zeros(4), 0
        for i in range(0, n_train, bs):
            idx = order[i : i + bs]
            opt.zero_grad(set_to_none=True)
            model.train()
            total, L = losses(model, take(arrs, "train", idx))
            total.backward()
            opt.step()
            if weight_decay > 0:
                with torch.no_grad():
                    for p in net.values():
                        p.mul_(1 - lr_now * weight_decay)
            if shadow is not None:
                average_update()
            acc_t += float(total) * len(idx)
            acc_p += L.detach().numpy() * len(idx)
            seen += len(idx)
            if weighting == "ema-train":
                observe(L.detach().numpy())
        def evaluate():
            # with averaging on, the averaged weights are evaluated and checkpointed (train.ts `evaluated`)
            va, vap = eval_loss(model, arrs, "val", n_val)
            if weighting == "ema-val":
                observe(vap)
            vp = predict(model, arrs["val_x"])
            vc = criterion(vap)
            vf = val_span_f1(vp, val_mask, head) if epoch_rule == "span-f1" else float("nan")
            is_best = better(vf, vc, best["f1"], best["val"])
            if is_best:
                best.update(val=vc, f1=vf, epoch=ep, state={k: v.detach().clone() for k, v in model.state_dict().items()})
            return va, vap, vp, vc, is_best

        va, vap, vp, vc, is_best = with_averaged(evaluate)
        vu = float(np.sum(vap))
        s = model.p("loss/logSigma").detach().numpy()
        inv = np.exp(-2 * s)
        epochs.append(
            {
                "epoch": ep,
                "trainLoss": acc_t / seen,
                "valLoss": va,
                "trainTask": dict(zip(TASKS, (acc_p / seen).tolist())),
                "valTask": dict(zip(TASKS, vap.tolist())),
                "valUnweighted": vu,
                "valCriterion": vc,
                "sigmas": dict(zip(TASKS, np.exp(s).tolist())),
                "taskWeights": dict(zip(TASKS, (inv / inv.sum()).tolist())),
                "valBarF1": bar_f1(vp["spanProb"], arrs["val_mask"].numpy()),
                "isBest": bool(is_best),
                "seconds": time.perf_counter() - te,
            }
        )
    model.load_state_dict(best["state"])
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    for split in ("train", "val"):
        pr = predict(model, arrs[f"{split}_x"])
        for k, v in pr.items():
            name = f"{split}_{k}.f32"
            v.astype(np.float32).tofile(os.path.join(out_dir, name))
            files[f"{split}_{k}"] = {"file": name, "shape": list(v.shape)}
    result = {
        "head": head,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "initial": {"trainLoss": tr0, "valLoss": va0, "trainTask": dict(zip(TASKS, tr0p.tolist())), "valTask": dict(zip(TASKS, va0p.tolist()))},
        "epochs": epochs,
        "bestEpoch": best["epoch"],
        "seconds": time.perf_counter() - t0,
        "files": files,
    }
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
