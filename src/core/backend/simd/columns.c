// Sum and max over the rows of a [rows, cols] float32 matrix (tf.sum / tf.max over axis 0), for
// src/core/backend/kernels.ts: the LM head's vocab-major logits [V, n] are reduced that way
// (src/core/gpt2/cross_entropy.ts), and tfjs-backend-wasm transposes the whole matrix first. Each column in row order,
// as tfjs sums it: the same float32 result.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(column_reduce) void column_reduce(const float *x, float *y, unsigned rows, unsigned cols, int max) {
  unsigned c = 0;
  for (; c + 4 <= cols; c += 4) {
    v128_t a = wasm_v128_load(x + c);
    for (unsigned r = 1; r < rows; r++) {
      v128_t v = wasm_v128_load(x + r * cols + c);
      a = max ? wasm_f32x4_max(a, v) : wasm_f32x4_add(a, v);
    }
    wasm_v128_store(y + c, a);
  }
  for (; c < cols; c++) {
    float a = x[c];
    for (unsigned r = 1; r < rows; r++) {
      const float v = x[r * cols + c];
      a = max ? (v > a || v != v ? v : a) : a + v;
    }
    y[c] = a;
  }
}
