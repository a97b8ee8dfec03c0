#!/usr/bin/env python3
"""Step 2b of scripts/gpu-check.sh: DnnC's FP16 tensor-core kernels against PyTorch, side by side in one run.

  1. GEMM 4096^3: a one-layer DnnC model y = x . W^T built with --precision fp16 (mma.sync m16n8k16, FP32
     accumulation), timed on cuda, against torch.matmul on FP16 operands (cuBLAS). Goal: >= 70% of cuBLAS.
     The model's input is FP32 (DnnC's model boundary), so its kernel converts A to FP16 as it loads it.
  2. ResNet-50 with random weights (the model of gpu_check_resnet50.py) at batch 1 and 32, built with
     --precision fp16, against PyTorch eager FP16 channels-last on identical weights and input; DnnC's output
     is also compared with PyTorch's FP32 logits (relative L2 <= 1e-2). Goal: batch 1 no slower than eager.

DnnC runs before PyTorch touches the GPU (one CUDA context at a time), as in gpu_check_resnet50.py. Every figure
goes to --json, with the commands in the log folder. --dry-run (no GPU): DnnC on the simulator on a 256^3 GEMM
only, so the command lines are exercised; PyTorch is skipped.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpu_check_resnet50 as base  # noqa: E402  (run, save, bench_fields, resnet50, export_onnx, time_torch)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dnnc", required=True)
    p.add_argument("--out", required=True, help="directory for models, tensors and logs")
    p.add_argument("--json", required=True)
    p.add_argument("--backend", default="cuda")
    p.add_argument("--arch", default="sm_90")
    p.add_argument("--iters", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--timeout", type=int, default=150)
    p.add_argument("--gemm", type=int, default=4096, help="M = N = K of the GEMM")
    p.add_argument("--dry-run", action="store_true")
    return p.parse_args()


def dnnc_bench(args, model, label, extra):
    """Builds and times one model with --precision fp16 through `dnnc run`; returns (bench fields or None, log text)."""
    out = os.path.join(args.out, label)
    code, text = base.run([args.dnnc, "run", model, "--backend", args.backend, "--target", args.arch, "--precision", "fp16",
                           "--output-dir", out, "--bench", str(args.iters), "--warmup", str(args.warmup)] + extra,
                          os.path.join(args.out, label + ".log"), args.timeout)
    bench = base.bench_fields(text) if code == 0 else None
    if bench is None:
        print(text[-2000:])
        print(f"FAIL: dnnc run {label} exited {code}")
    return bench, out


def gemm_step(args, report):
    n = args.gemm
    model = os.path.join(args.out, f"gemm{n}.dnn")
    with open(model, "w") as f:
        f.write(f"model Gemm{n}(x: f32[{n}, {n}]) -> (y) {{\n  weights seed 1\n  y = x |> dense({n}, bias: false)\n}}\n")
    bench, _ = dnnc_bench(args, model, f"gemm{n}", ["--seed", "3"])
    flops = 2.0 * n * n * n
    entry = {"size": n, "dnnc": bench}
    if bench:
        ms = float(bench["median_ms"])
        entry["dnnc_tflops"] = flops / ms / 1e9
        print(f"   GEMM {n}^3 FP16: DnnC {ms:.3f} ms = {entry['dnnc_tflops']:.1f} TFLOP/s")
    report["gemm"] = entry
    base.save(report, args.json)
    return bench is not None


def torch_gemm(torch, args, report):
    n = args.gemm
    a = torch.randn(n, n, device="cuda", dtype=torch.float16)
    b = torch.randn(n, n, device="cuda", dtype=torch.float16)
    ms, best = base.time_torch(torch, lambda x: torch.matmul(x, b), a, args.warmup, args.iters, True)
    entry = report["gemm"]
    entry["torch"] = {"median_ms": ms, "min_ms": best, "tflops": 2.0 * n * n * n / ms / 1e9}
    if entry.get("dnnc"):
        entry["fraction_of_cublas"] = ms / float(entry["dnnc"]["median_ms"])
        print(f"   GEMM {n}^3 FP16: torch.matmul {ms:.3f} ms; DnnC reaches {100 * entry['fraction_of_cublas']:.0f}% of cuBLAS (goal >= 70%)")
    base.save(report, args.json)


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    report = {"backend": args.backend, "arch": args.arch, "iterations": args.iters, "warmup": args.warmup}
    if args.dry_run:
        args.gemm = min(args.gemm, 256)
        return 0 if gemm_step(args, report) else 1
    try:
        import numpy as np
        import torch
    except ImportError as e:
        print(f"FAIL: PyTorch and numpy are needed: {e}")
        return 1
    ok = gemm_step(args, report)

    # The ResNet-50 models and inputs, on the CPU, before PyTorch touches the GPU.
    torch.manual_seed(0)
    model, source = base.resnet50()
    model.eval()
    batches = {}
    for batch in (1, 32):
        x = torch.rand(batch, 3, 224, 224) * 2 - 1
        path = os.path.join(args.out, f"resnet50_b{batch}.onnx")
        base.export_onnx(torch, model, x, path)
        np.save(os.path.join(args.out, f"x_b{batch}.npy"), x.numpy().astype(np.float32))
        bench, out = dnnc_bench(args, path, f"resnet50_b{batch}", ["--input", "x=" + os.path.join(args.out, f"x_b{batch}.npy")])
        batches[batch] = (x, bench, out)
        ok = ok and bench is not None
    report["resnet50"] = {"model": source}
    base.save(report, args.json)

    torch_gemm(torch, args, report)
    torch.backends.cudnn.allow_tf32 = False
    model = model.to("cuda")
    for batch, (x, bench, out) in batches.items():
        # The FP32 logits are the accuracy baseline; the FP16 channels-last model is the timing peer (.float() and
        # .half() convert the module in place).
        with torch.no_grad():
            expected = model.float().to(memory_format=torch.contiguous_format)(x.to("cuda")).float().cpu().numpy()
        np.save(os.path.join(args.out, f"torch_b{batch}.npy"), expected.astype(np.float32))
        xh = x.to("cuda").half().to(memory_format=torch.channels_last)
        ms, best = base.time_torch(torch, model.half().to(memory_format=torch.channels_last), xh, args.warmup, args.iters, True)
        entry = {"dnnc": bench, "torch_eager_fp16_channels_last": {"median_ms": ms, "min_ms": best}}
        if bench:
            code, text = base.run([args.dnnc, "compare", os.path.join(out, "output_0.pb"), os.path.join(args.out, f"torch_b{batch}.npy"),
                                   "--max-rel-l2", "1e-2"], os.path.join(args.out, f"compare_b{batch}.log"), args.timeout)
            entry["compare"] = text.strip().splitlines()
            ok = ok and code == 0
            dnnc_ms = float(bench["median_ms"])
            entry["speedup_over_torch_eager"] = ms / dnnc_ms
            print(f"   ResNet-50 FP16 batch {batch}: DnnC {dnnc_ms:.3f} ms, PyTorch eager FP16 channels-last {ms:.3f} ms "
                  f"({ms / dnnc_ms:.2f}x){' (goal: >= 1x)' if batch == 1 else ''}")
            print("   " + text.strip().replace("\n", "\n   "))
        report["resnet50"][f"batch{batch}"] = entry
        base.save(report, args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
