// The transpose of float32 matrices, for tfjs-backend-wasm's Transpose (src/core/backend/kernels.ts): XNNPACK's fast
// products need their operands transposed (src/core/gpt2/matmul.ts), and tfjs's own Transpose walks the output
// element by element, ~7 ns an element at GPT-2 124M's weights (1 s of a training step); tiles of 4×4 floats
// transposed in registers, in 32×32 blocks that stay in the L1 cache, take ~1 (bench/micro/transpose.ts).
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define BLOCK 32

static inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }

// y [cols, rows] = xᵀ for x [rows, cols], for each of `batch` matrices stored one after another.
EXPORT(transpose) void transpose(const float *x, float *y, unsigned batch, unsigned rows, unsigned cols) {
  for (unsigned b = 0; b < batch; b++, x += rows * cols, y += rows * cols) {
    for (unsigned r0 = 0; r0 < rows; r0 += BLOCK) {
      for (unsigned c0 = 0; c0 < cols; c0 += BLOCK) {
        const unsigned r1 = min(r0 + BLOCK, rows), c1 = min(c0 + BLOCK, cols);
        unsigned r = r0;
        for (; r + 4 <= r1; r += 4) {
          const float *s = x + r * cols;
          unsigned c = c0;
          for (; c + 4 <= c1; c += 4) {
            v128_t a = wasm_v128_load(s + c), e = wasm_v128_load(s + cols + c);
            v128_t f = wasm_v128_load(s + 2 * cols + c), g = wasm_v128_load(s + 3 * cols + c);
            v128_t t0 = wasm_i32x4_shuffle(a, e, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(a, e, 2, 6, 3, 7);
            v128_t t2 = wasm_i32x4_shuffle(f, g, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(f, g, 2, 6, 3, 7);
            float *d = y + c * rows + r;
            wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
            wasm_v128_store(d + rows, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
            wasm_v128_store(d + 2 * rows, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
            wasm_v128_store(d + 3 * rows, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
          }
          for (; c < c1; c++)
            for (unsigned k = 0; k < 4; k++) y[c * rows + r + k] = s[k * cols + c];
        }
        for (; r < r1; r++)
          for (unsigned c = c0; c < c1; c++) y[c * rows + r] = x[r * cols + c];
      }
    }
  }
}
