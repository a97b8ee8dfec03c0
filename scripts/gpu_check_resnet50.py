#!/usr/bin/env python3
"""Step 2 of scripts/gpu-check.sh: a ResNet-50 with random weights, exported from PyTorch to ONNX,
compiled and timed with DnnC against PyTorch eager FP32 on identical weights and input, in one run.

The order keeps the GPU to one user at a time: the model is built and exported on the CPU, DnnC runs
(its own CUDA context), and only then does PyTorch touch the GPU. Every step is recorded in the JSON
(--json) even when a later one fails. Prints one comparison line and a small table, and exits 1 when a
step fails or DnnC's output is further than --max-rel-l2 from PyTorch's. With --dry-run (no GPU),
PyTorch runs on the CPU; without torch the DnnC side still runs, on --fallback-model with a seeded
input, so the plumbing is exercised.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dnnc", required=True, help="the dnnc executable")
    p.add_argument("--out", required=True, help="directory for the model, tensors and logs")
    p.add_argument("--json", required=True, help="where the comparison's JSON goes")
    p.add_argument("--timeout", type=int, default=150, help="seconds one dnnc command may take")
    p.add_argument("--fallback-model", default=None, help="the model timed without torch (dry run)")
    p.add_argument("--backend", default="cuda", help="dnnc backend to time (cuda; sim in a dry run)")
    p.add_argument("--arch", default="sm_90", help="the GPU architecture dnnc lowers for")
    p.add_argument("--iters", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--max-rel-l2", type=float, default=1e-3,
                   help="DnnC against PyTorch: two FP32 implementations, so the ONNX rtol, not the 1e-4 plan-to-plan bound")
    p.add_argument("--dry-run", action="store_true", help="no GPU: PyTorch on the CPU, or skipped without torch")
    return p.parse_args()


def run(cmd, log_path, timeout):
    """Runs a command under a timeout, keeps its output in log_path, and returns (exit code, stdout)."""
    print("   $ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
        code, text = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        code, text = 124, out + f"\n(timed out after {timeout} s)\n"
    with open(log_path, "w") as f:
        f.write(text)
    return code, text


def save(report, path):
    with open(path, "w") as f:
        json.dump(report, f, indent=2)


def bench_fields(text):
    """The key=value pairs of dnnc's 'bench' line (BenchLine.cs), or None when there is none."""
    for line in text.splitlines():
        if line.startswith("bench "):
            return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    return None


def resnet50():
    """torchvision's resnet50 when installed, else the same architecture in plain PyTorch."""
    try:
        import torchvision
        return torchvision.models.resnet50(weights=None), "torchvision.models.resnet50"
    except ImportError:
        return plain_resnet50(), "plain PyTorch ResNet-50 (torchvision not installed)"


def plain_resnet50():
    import torch.nn as nn

    class Bottleneck(nn.Module):
        def __init__(self, cin, width, stride):
            super().__init__()
            cout = width * 4
            self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            y = self.relu(self.bn1(self.conv1(x)))
            y = self.relu(self.bn2(self.conv2(y)))
            y = self.bn3(self.conv3(y))
            return self.relu(y + identity)

    layers, cin = [], 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            layers.append(Bottleneck(cin, width, stride if i == 0 else 1))
            cin = width * 4
    return nn.Sequential(
        nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1),
        *layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000))


def export_onnx(torch, model, x, path):
    """The TorchScript exporter (dynamo=False, opset 17) where it exists, else the dynamo one, which
    targets opset 18 and up; weights inline. Raises when neither works."""
    kwargs = dict(input_names=["x"], output_names=["logits"], do_constant_folding=True)
    try:
        torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, **kwargs)
        return "torch.onnx.export(dynamo=False, opset 17)"
    except TypeError:
        torch.onnx.export(model, (x,), path, opset_version=17, **kwargs)  # a PyTorch from before the dynamo keyword
        return "torch.onnx.export(opset 17)"
    except Exception as e:  # a PyTorch without the TorchScript exporter
        print(f"   the TorchScript exporter failed ({type(e).__name__}: {e}); trying dynamo=True, opset 18")
        torch.onnx.export(model, (x,), path, dynamo=True, external_data=False, opset_version=18, **kwargs)
        return "torch.onnx.export(dynamo=True, opset 18)"


def time_torch(torch, model, x, warmup, iters, on_gpu):
    """Median milliseconds of eager forward passes: CUDA events on the GPU, a wall clock on the CPU."""
    times = []
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        if on_gpu:
            torch.cuda.synchronize()
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            for _ in range(iters):
                start.record()
                model(x)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
        else:
            for _ in range(iters):
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    n = len(times)
    return (times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2), times[0]


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    report = {"backend": args.backend, "arch": args.arch, "iterations": args.iters, "warmup": args.warmup, "steps": {}}
    save(report, args.json)
    try:
        import numpy as np
        import torch
    except ImportError as e:
        if not args.dry_run:
            report["steps"]["import"] = f"FAIL: {e}"
            save(report, args.json)
            print(f"FAIL: PyTorch and numpy are needed for the ResNet-50 comparison: {e}")
            return 1
        print(f"SKIP: PyTorch part ({e}); timing DnnC alone on {args.fallback_model} with a seeded input")
        return dnnc_only(args, report)

    on_gpu = torch.cuda.is_available() and not args.dry_run
    if not on_gpu and not args.dry_run:
        report["steps"]["torch"] = "FAIL: torch.cuda.is_available() is False"
        save(report, args.json)
        print("FAIL: torch.cuda.is_available() is False; PyTorch needs a CUDA build for the comparison")
        return 1

    # 1. On the CPU only: the model, random weights and batch-norm statistics, the input, the export.
    torch.manual_seed(0)
    model, source = resnet50()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                # Random statistics, so that folding them into the convolutions is really exercised.
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    model.eval()
    x = torch.rand(1, 3, 224, 224) * 2 - 1
    onnx_path = os.path.join(args.out, "resnet50.onnx")
    report["model"] = source
    try:
        report["exporter"] = export_onnx(torch, model, x, onnx_path)
    except Exception as e:
        report["steps"]["export"] = f"FAIL: {type(e).__name__}: {e}"
        save(report, args.json)
        print(f"FAIL: the ONNX export failed: {type(e).__name__}: {e}")
        return 1
    report["steps"]["export"] = "ok"
    np.save(os.path.join(args.out, "x.npy"), x.numpy().astype(np.float32))
    print(f"   model: {source}, exported with {report['exporter']}")

    # 2. DnnC, while PyTorch holds no CUDA context.
    dnnc_out = os.path.join(args.out, "dnnc")
    code, text = run([args.dnnc, "run", onnx_path, "--backend", args.backend, "--target", args.arch,
                      "--input", "x=" + os.path.join(args.out, "x.npy"), "--output-dir", dnnc_out,
                      "--bench", str(args.iters), "--warmup", str(args.warmup)], os.path.join(args.out, "dnnc-run.log"), args.timeout)
    bench = bench_fields(text)
    report["steps"]["dnnc"] = "ok" if code == 0 and bench else f"FAIL: exit {code}"
    report["dnnc"] = bench
    save(report, args.json)
    if code != 0 or bench is None:
        print(text[-3000:])
        print(f"FAIL: dnnc run exited {code}" + ("" if bench else " without a bench line"))

    # 3. PyTorch eager FP32 (no TF32 in its convolutions and matrix products), on identical weights and input.
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    device = torch.device("cuda" if on_gpu else "cpu")
    model, xd = model.to(device), x.to(device)
    with torch.no_grad():
        expected = model(xd).float().cpu().numpy()
    np.save(os.path.join(args.out, "torch_logits.npy"), expected.astype(np.float32))
    torch_ms, torch_min = time_torch(torch, model, xd, args.warmup, args.iters, on_gpu)
    report["torch"] = {"device": torch.cuda.get_device_name() if on_gpu else "cpu", "version": torch.__version__,
                       "median_ms": torch_ms, "min_ms": torch_min}
    report["steps"]["torch"] = "ok"
    save(report, args.json)
    if code != 0 or bench is None:
        return 1

    code, text = run([args.dnnc, "compare", os.path.join(dnnc_out, "output_0.pb"), os.path.join(args.out, "torch_logits.npy"),
                      "--max-rel-l2", str(args.max_rel_l2)], os.path.join(args.out, "compare.log"), args.timeout)
    print("   " + text.strip().replace("\n", "\n   "))
    report["compare"] = text.strip().splitlines()
    report["steps"]["compare"] = "ok" if code == 0 else f"FAIL: exit {code}"

    dnnc_ms = float(bench["median_ms"])
    report["speedup_over_torch_eager"] = torch_ms / dnnc_ms if dnnc_ms > 0 else None
    print()
    print(f"   {'ResNet-50, batch 1, FP32':<28}{'median ms':>12}{'min ms':>10}")
    print(f"   {'DnnC (' + args.backend + ', graph)':<28}{dnnc_ms:>12.3f}{float(bench.get('min_ms', 'nan')):>10.3f}")
    print(f"   {'PyTorch eager (' + report['torch']['device'] + ')':<28}{torch_ms:>12.3f}{torch_min:>10.3f}")
    print(f"   DnnC / PyTorch speedup: {torch_ms / dnnc_ms:.2f}x" if dnnc_ms > 0 else "")
    save(report, args.json)
    if code != 0:
        print(f"FAIL: DnnC and PyTorch outputs differ by more than relative L2 {args.max_rel_l2}")
        return 1
    return 0


def dnnc_only(args, report):
    """The dry run's stand-in without torch: the same dnnc command line on the light ResNet-50."""
    model = args.fallback_model
    if not model or not os.path.exists(model):
        print(f"SKIP: {model} not found either")
        report["steps"]["dnnc"] = "SKIP: no fallback model"
        save(report, args.json)
        return 0
    code, text = run([args.dnnc, "run", model, "--backend", args.backend, "--target", args.arch, "--seed", "7",
                      "--output-dir", os.path.join(args.out, "dnnc"), "--bench", str(args.iters), "--warmup", str(args.warmup)],
                     os.path.join(args.out, "dnnc-run.log"), args.timeout)
    bench = bench_fields(text)
    report["steps"]["dnnc"] = "ok" if code == 0 and bench else f"FAIL: exit {code}"
    report["dnnc"] = bench
    save(report, args.json)
    if code != 0 or bench is None:
        print(text[-3000:])
        print(f"FAIL: dnnc run exited {code}" + ("" if bench else " without a bench line"))
        return 1
    print(f"   DnnC ({args.backend}) {os.path.basename(model)}: median {float(bench['median_ms']):.3f} ms over {bench['iterations']} runs")
    save(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
