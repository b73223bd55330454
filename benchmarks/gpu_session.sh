#!/usr/bin/env bash
# One lease of a GPU machine (the device tool's `run`), everything in one call that ends within its 10 minutes:
#   1. the GaN | AlN (0001) interface from atoms with the default potential on the GPU at the DEFAULT host memory
#      bound (issue 80 item 4), polarity + then - (item 2), with the host's peak RSS and the GPU's memory sampled
#      by nvidia-smi every 0.25 s;
#   2. benchmarks/gpu.py: the small EELS part first (short), the tiny AGF's parity GPU against numpy, then the
#      small 6x6 AGF and its recursion (the CPU path extrapolated), cut by
#      `timeout` so the call ends in time (gpu.py writes its JSON after each part).
# Run there as: bash benchmarks/gpu_session.sh   (with .whl/ carried: the wheels the image lacks, for Python 3.12;
# sevenn trimmed to the SevenNet-l3i5 checkpoint).  Everything lands in $OUT/gpu-session.tar.gz.
set -u
DEST=${OUT:-/tmp/gpu-session}
OUT=/tmp/gpu-session-work
mkdir -p "$OUT" "$DEST"
trap 'tar -czf "$DEST/gpu-session.tar.gz" -C "$OUT" . 2>/dev/null' EXIT  # one file back: the tool returns 8 at most
t0=$(date +%s)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    >"$OUT/pip.log" 2>&1 || { echo "wheel install failed"; tail -5 "$OUT/pip.log"; }
export PYTHONPATH=/tmp/site:$PWD/src PYTHONUNBUFFERED=1 KAPITZA_CACHE_DIR=/tmp/kcache MPLBACKEND=Agg
nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1
python3 -c "import torch, kapitza; f, t = torch.cuda.mem_get_info(); print('torch', torch.__version__, torch.cuda.get_device_name(0), f'free {f/1e9:.1f} of {t/1e9:.1f} GB')"
echo "setup: $(( $(date +%s) - t0 )) s"

# a command under a wall-clock cap, its host peak RSS (children) and the GPU memory sampled meanwhile
measured() {  # name cap_s command...
    local name=$1 cap=$2; shift 2
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 250 >"$OUT/$name.gpu_mib" 2>/dev/null &
    local smi=$!
    python3 - "$cap" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" <<'EOF'
import resource, subprocess, sys, time
cap = float(sys.argv[1]); t0 = time.perf_counter()
try:
    rc = subprocess.run(sys.argv[2:], timeout=cap).returncode
except subprocess.TimeoutExpired:
    rc = "timeout"
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6
print(f"# rc {rc}, wall {time.perf_counter() - t0:.1f} s, host peak RSS {peak:.2f} GB", file=sys.stderr)
EOF
    kill $smi 2>/dev/null
    echo "== $name: $(tail -1 "$OUT/$name.err"); GPU peak $(sort -n "$OUT/$name.gpu_mib" | tail -1) MiB"
}

GAN=GaN:wurtzite:a=3.189,c=5.185
ALN=AlN:wurtzite:a=3.112,c=4.982
export KAPITZA_MLIP_DEVICE=cuda
measured gan_aln_plus 200 python3 -m kapitza agf $GAN $ALN --calculator sevennet-l3i5+d3 --device gpu --explain
grep -i -E "memory|GB|G\(|two-probe|polarity|refus" "$OUT/gan_aln_plus.out" "$OUT/gan_aln_plus.err" | head -30
measured gan_aln_minus 160 python3 -m kapitza agf $GAN $ALN --calculator sevennet-l3i5+d3 --device gpu --polarity - --explain
grep -i -E "memory|GB|G\(|two-probe|polarity|refus" "$OUT/gan_aln_minus.out" "$OUT/gan_aln_minus.err" | head -30
unset KAPITZA_MLIP_DEVICE
echo "interfaces done at $(( $(date +%s) - t0 )) s"

left=$(( 540 - ($(date +%s) - t0) ))
timeout $(( left > 30 ? left / 3 : 10 )) python3 benchmarks/gpu.py --device gpu --sizes small --parts eels \
    --json "$OUT/gpu-small-eels.json" 2>&1 | tail -8
timeout 90 python3 benchmarks/gpu.py --device gpu --sizes tiny --parts agf --cpu full --cpu-workers 0 \
    --json "$OUT/gpu-tiny-agf.json" 2>&1 | tail -8
left=$(( 550 - ($(date +%s) - t0) ))
timeout $(( left > 20 ? left : 10 )) python3 benchmarks/gpu.py --device gpu --sizes small --parts agf,recursion \
    --cpu extrapolate --json "$OUT/gpu-small-agf.json" 2>&1 | tail -12
echo "session: $(( $(date +%s) - t0 )) s"
