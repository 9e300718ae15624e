#!/usr/bin/env bash
# Builds bench/gpu/vendor/: everything bench/gpu/run.sh needs on a bare Linux x86-64 machine with no network.
#   - bench-gpu.mjs.gz   the benchmark (bench/gpu/main.ts + the core + TensorFlow.js), one file bundled by esbuild
#   - dawn.node.gz       WebGPU for Node: the linux-x64 build of the `webgpu` npm package (Dawn), from `npm pack`
#   - node.gz            this machine's Node binary (needs glibc >= 2.28 and libstdc++ on the remote)
#   - lib/               libvulkan.so.1 (the Khronos loader, from Debian's Chromium), libstdc++ and libgcc_s as
#                        fallbacks used only when the remote lacks them
#   - gpt2.u16           the fixture token stream (emails/dev), for realistic token ids
#   - MANIFEST.txt       versions, sizes, sha256
# Run from anywhere: bash bench/gpu/prepare.sh   (needs network once, for `npm pack webgpu`)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
V="$HERE/vendor"
WEBGPU_VERSION="${WEBGPU_VERSION:-0.6.2}"
FIXTURES="${GPT2_STUDIO_FIXTURES:-$ROOT/../shared/fixtures}"
mkdir -p "$V/lib"
# ldconfig may live outside PATH (/sbin)
ldc() { { command -v ldconfig >/dev/null 2>&1 && ldconfig -p; } || { [ -x /sbin/ldconfig ] && /sbin/ldconfig -p; } || true; }

echo "== bundle (esbuild)"
ESBUILD="$ROOT/node_modules/.bin/esbuild"
[ -x "$ESBUILD" ] || { echo "no $ESBUILD (npm install first)"; exit 1; }
"$ESBUILD" "$HERE/main.ts" --bundle --platform=node --format=esm --target=node20 \
  --outfile="$V/bench-gpu.mjs" --log-level=warning --legal-comments=none \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __filename.replace(/\/[^\/]*\$/, '');"
gzip -9 -f "$V/bench-gpu.mjs"

echo "== dawn.node (npm pack webgpu@$WEBGPU_VERSION; only its linux-x64 binary is kept)"
if [ ! -f "$V/dawn.node.gz" ] || [ "$(cat "$V/.webgpu-version" 2>/dev/null)" != "$WEBGPU_VERSION" ]; then
  (cd "$V" && npm pack "webgpu@$WEBGPU_VERSION" --silent >/dev/null)
  tar -xzf "$V/webgpu-$WEBGPU_VERSION.tgz" -C "$V" package/dist/linux-x64/dawn.node package/LICENSE.md
  mv "$V/package/dist/linux-x64/dawn.node" "$V/dawn.node"
  mv "$V/package/LICENSE.md" "$V/webgpu-LICENSE.md"
  rm -rf "$V/package" "$V/webgpu-$WEBGPU_VERSION.tgz"   # the 51 MB tarball holds every platform's binary
  gzip -9 -f "$V/dawn.node"
  echo "$WEBGPU_VERSION" > "$V/.webgpu-version"
fi

echo "== node ($(node --version))"
NODE_BIN="$(command -v node)"
if [ ! -f "$V/node.gz" ] || [ "$(cat "$V/.node-version" 2>/dev/null)" != "$(node --version)" ]; then
  gzip -9 -c "$NODE_BIN" > "$V/node.gz"
  node --version > "$V/.node-version"
fi

echo "== libraries"
rm -rf "$V/lib" && mkdir -p "$V/lib"
VULKAN_LOADER="${VULKAN_LOADER:-/usr/lib/chromium/libvulkan.so.1}"
[ -f "$VULKAN_LOADER" ] || VULKAN_LOADER="$(ldc | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')"
if [ -n "$VULKAN_LOADER" ] && [ -f "$VULKAN_LOADER" ]; then cp -L "$VULKAN_LOADER" "$V/lib/libvulkan.so.1"; else echo "warning: no libvulkan.so.1 to carry (the remote must have one)"; fi
for l in libstdc++.so.6 libgcc_s.so.1; do
  p="$(ldc | awk -v l="$l" '$1 == l && /x86-64/ {print $NF; exit}')"
  if [ -n "$p" ]; then cp -L "$p" "$V/lib/$l"; else echo "warning: no $l to carry"; fi
done
for f in "$V"/lib/*; do [ -f "$f" ] && case "$f" in *.gz) ;; *) gzip -9 -f "$f" ;; esac; done

cp "$FIXTURES/emails/dev/gpt2.u16" "$V/gpt2.u16"

{
  echo "built $(date -u +%FT%TZ) from $(git -C "$ROOT" rev-parse HEAD 2>/dev/null)$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
  echo "node $(node --version); webgpu (dawn.node) $WEBGPU_VERSION linux-x64; tfjs $(node -p "require('$ROOT/node_modules/@tensorflow/tfjs/package.json').version")"
  (cd "$V" && find . -type f ! -name MANIFEST.txt ! -name '.*' | sort | xargs sha256sum | while read -r sum f; do echo "$(stat -c %s "$f") $sum $f"; done)
} > "$V/MANIFEST.txt"
cat "$V/MANIFEST.txt"
echo "== vendor/: $(du -sh "$V" | cut -f1) (the device tool carries 64 MiB at most)"
