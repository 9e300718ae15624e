#!/usr/bin/env bash
# GPT-2 Studio's GPU benchmark on a bare Linux x86-64 machine with an NVIDIA GPU and no network: WebGPU in Node
# through Dawn (dawn.node), every dependency carried in bench/gpu/vendor/ (built by bench/gpu/prepare.sh).
#
#   bash bench/gpu/run.sh [--probe] [--smoke] [--budget=SECONDS] [--only=id,id] [--dawn-flags="backend=vulkan ..."]
#
#   --probe   only report the machine, the Vulkan setup and the WebGPU adapter (seconds), then stop
#   --smoke   tiny shapes only (checks the pipeline; what the dev machine runs on SwiftShader)
# Results: $OUT (the device tool's output folder) or bench/gpu/out/: results.json, results.md, env.txt, log.txt.
# Exit status: 0 when the benchmark ran (failed items are in the results), 2 when no WebGPU adapter was found.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
V="$HERE/vendor"
OUT="${OUT:-$HERE/out}"
# Unpacked beside this script (a /tmp mounted noexec would stop the Node binary), else in /tmp.
WORK="${GPT2_GPU_WORK:-$HERE/.work}"
mkdir -p "$WORK/lib" 2>/dev/null && [ -w "$WORK" ] || { WORK="${TMPDIR:-/tmp}/gpt2-studio-gpu"; mkdir -p "$WORK/lib"; }
mkdir -p "$OUT"
PROBE=0; ARGS=()
for a in "$@"; do if [ "$a" = "--probe" ]; then PROBE=1; else ARGS+=("$a"); fi; done
ENV_TXT="$OUT/env.txt"
log() { echo "$*" | tee -a "$ENV_TXT"; }
: > "$ENV_TXT"

[ -f "$V/node.gz" ] && [ -f "$V/dawn.node.gz" ] && [ -f "$V/bench-gpu.mjs.gz" ] || {
  echo "bench/gpu/vendor/ is incomplete: run bash bench/gpu/prepare.sh first, and carry bench/gpu/vendor"; exit 1; }

# ---- unpack (gzip only: xz may be missing) ----
unpack() { [ -s "$2" ] && [ "$2" -nt "$1" ] || gzip -dc "$1" > "$2"; }
unpack "$V/node.gz" "$WORK/node" && chmod +x "$WORK/node"
unpack "$V/dawn.node.gz" "$WORK/dawn.node"
unpack "$V/bench-gpu.mjs.gz" "$WORK/bench-gpu.mjs"
cp -f "$V/gpt2.u16" "$WORK/gpt2.u16" 2>/dev/null || true
for f in "$V"/lib/*.gz; do [ -f "$f" ] && unpack "$f" "$WORK/lib/$(basename "${f%.gz}")"; done

# ---- the machine ----
log "== machine"
log "$(uname -a)"
log "glibc: $(getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>/dev/null | head -1) (dawn.node needs 2.34+, node 2.28+)"
log "cpus: $(nproc 2>/dev/null); memory: $(awk '/MemTotal/ {print $2/1048576 " GiB"}' /proc/meminfo 2>/dev/null)"
if command -v nvidia-smi >/dev/null 2>&1; then
  log "$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1)"
else log "nvidia-smi: not found"; fi

# ---- libraries: the system's first, ours as fallbacks ----
LIBS=""
"$WORK/node" -e 0 2>/dev/null || { LIBS="$WORK/lib"; log "node needs our libstdc++/libgcc_s (the system's are missing or too old)"; }
ldc() { { command -v ldconfig >/dev/null 2>&1 && ldconfig -p; } || { [ -x /sbin/ldconfig ] && /sbin/ldconfig -p; } || true; }
has_lib() { ldc | grep -q "$1" || ls /usr/lib/x86_64-linux-gnu/"$1"* /usr/lib64/"$1"* /lib/x86_64-linux-gnu/"$1"* >/dev/null 2>&1; }
if has_lib libvulkan.so.1; then log "Vulkan loader: the system's"; else
  # Only our loader: a directory holding nothing else, so that our libstdc++ does not shadow the system's.
  mkdir -p "$WORK/vk" && cp -f "$WORK/lib/libvulkan.so.1" "$WORK/vk/" 2>/dev/null && LIBS="${LIBS:+$LIBS:}$WORK/vk"
  log "Vulkan loader: carried (Khronos loader from Chromium)"
fi

# ---- the NVIDIA Vulkan driver (ICD) ----
# Dawn drives the GPU through Vulkan. The loader finds drivers through ICD manifests; containers with only the
# compute half of the NVIDIA driver have none, but may still hold libGLX_nvidia.so.0 (which is the Vulkan driver).
ICDS=""
for d in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /etc/glvnd/../vulkan/icd.d; do
  for j in "$d"/*.json; do [ -f "$j" ] && ICDS="$ICDS $j"; done
done
log "Vulkan ICD manifests:${ICDS:- none}"
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && ! echo "$ICDS" | grep -qi nvidia; then
  GLX="$(ldc | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')"
  [ -n "$GLX" ] || GLX="$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/lib/libGLX_nvidia.so.0 2>/dev/null | head -1)"
  if [ -n "$GLX" ]; then
    printf '{"file_format_version":"1.0.1","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$GLX" > "$WORK/nvidia_icd.json"
    export VK_ICD_FILENAMES="$WORK/nvidia_icd.json" VK_DRIVER_FILES="$WORK/nvidia_icd.json"
    log "no NVIDIA ICD manifest: wrote one for $GLX"
  else
    log "no NVIDIA Vulkan driver found (no ICD manifest, no libGLX_nvidia.so.0): the driver's graphics/Vulkan part is not installed here"
    log "NVIDIA libraries present: $(ls /usr/lib/x86_64-linux-gnu/libnvidia-* /usr/lib64/libnvidia-* /usr/local/nvidia/lib64/* 2>/dev/null | xargs -n1 basename 2>/dev/null | tr '\n' ' ' | cut -c1-600)"
  fi
fi
[ -n "${VK_ICD_FILENAMES:-}" ] && log "VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
export LD_LIBRARY_PATH="${LIBS:+$LIBS:}${LD_LIBRARY_PATH:-}"
export DAWN_NODE="$WORK/dawn.node"
export GPT2_STUDIO_COMMIT="$(head -1 "$V/MANIFEST.txt" 2>/dev/null | sed 's/^built [^ ]* from //')"

# ---- the adapter ----
log "== WebGPU adapter (dawn.node)"
"$WORK/node" --input-type=module -e "
import { createRequire } from 'node:module';
const { create } = createRequire(import.meta.url)(process.env.DAWN_NODE);
const flags = (process.env.DAWN_FLAGS ?? '').split(/\s+/).filter(Boolean);
const gpu = create(flags);
const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!a) { console.log('no adapter'); process.exit(2); }
const i = a.info;
console.log(JSON.stringify({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize, maxStorageBuffersPerShaderStage: a.limits.maxStorageBuffersPerShaderStage, timestampQuery: a.features.has('timestamp-query') }));
process.exit(0);
" 2>&1 | tee -a "$ENV_TXT"
ADAPTER=${PIPESTATUS[0]}
if [ "$ADAPTER" != 0 ]; then log "no WebGPU adapter: stopping (see $ENV_TXT)"; exit 2; fi
if grep -qi swiftshader "$ENV_TXT" && ! printf '%s ' "${ARGS[@]:-}" | grep -q -- --smoke; then
  log "warning: the adapter is SwiftShader (CPU emulation), not the GPU"
fi
[ "$PROBE" = 1 ] && exit 0

# ---- the benchmark ----
log "== benchmark"
cd "$WORK"
"$WORK/node" --max-old-space-size=16384 "$WORK/bench-gpu.mjs" --dawn="$WORK/dawn.node" --out="$OUT" ${ARGS[@]+"${ARGS[@]}"} 2>&1 | tee "$OUT/log.txt"
exit "${PIPESTATUS[0]}"
