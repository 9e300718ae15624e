// AdamW's two passes over GPT-2's parameters as WebAssembly SIMD, working in place on tfjs-backend-wasm's own heap
// (this module imports that memory: pointers are tensors' byte offsets in it). Built by `npm run build:simd`
// (scripts/build-simd.mjs) into simd_module.ts; src/core/backend/simd.ts loads it.
//
// Nothing here may use memory of its own: the module shares tfjs's heap, so a static variable or a spilled stack
// slot would land on tfjs's data. The build checks that the output has no data segment and never touches the stack
// pointer.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// Σ x² over n floats, accumulated in float64 (as the JavaScript loop it replaces did), two lanes per half-vector.
EXPORT(sum_squares) double sum_squares(const float *x, unsigned n) {
  v128_t lo = wasm_f64x2_splat(0.0), hi = wasm_f64x2_splat(0.0);
  unsigned i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t a = wasm_f64x2_promote_low_f32x4(v);
    v128_t b = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
    lo = wasm_f64x2_add(lo, wasm_f64x2_mul(a, a));
    hi = wasm_f64x2_add(hi, wasm_f64x2_mul(b, b));
  }
  double s = wasm_f64x2_extract_lane(lo, 0) + wasm_f64x2_extract_lane(lo, 1) + wasm_f64x2_extract_lane(hi, 0) + wasm_f64x2_extract_lane(hi, 1);
  for (; i < n; i++) s += (double)x[i] * (double)x[i];
  return s;
}

// One parameter's AdamW update in torch.optim.AdamW's float32 arithmetic and order (decoupled weight decay, bias-
// corrected moments): gc = g·scale (clipping); m = β1·m + (1−β1)·gc; v = β2·v + (1−β2)·gc·gc;
// q = p·decay − step·m / (√v / bc2 + ε). q may be g itself (the update written into the consumed gradient): each
// vector of g is read before the same vector of q is written.
EXPORT(adamw) void adamw(const float *g, const float *p, float *q, float *m, float *v, unsigned n, float scale,
                         float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float decay,
                         float step, float bc2_sqrt, float epsilon) {
  const v128_t vs = wasm_f32x4_splat(scale), b1 = wasm_f32x4_splat(beta1), c1 = wasm_f32x4_splat(one_minus_beta1);
  const v128_t b2 = wasm_f32x4_splat(beta2), c2 = wasm_f32x4_splat(one_minus_beta2), d = wasm_f32x4_splat(decay);
  const v128_t st = wasm_f32x4_splat(step), bc = wasm_f32x4_splat(bc2_sqrt), eps = wasm_f32x4_splat(epsilon);
  unsigned i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gc = wasm_f32x4_mul(wasm_v128_load(g + i), vs);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(b1, wasm_v128_load(m + i)), wasm_f32x4_mul(c1, gc));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(b2, wasm_v128_load(v + i)), wasm_f32x4_mul(wasm_f32x4_mul(c2, gc), gc));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), bc), eps);
    wasm_v128_store(q + i, wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(p + i), d), wasm_f32x4_mul(st, wasm_f32x4_div(mi, denom))));
  }
  for (; i < n; i++) {
    float gc = g[i] * scale;
    float mi = beta1 * m[i] + one_minus_beta1 * gc;
    float vi = beta2 * v[i] + one_minus_beta2 * gc * gc;
    m[i] = mi;
    v[i] = vi;
    q[i] = p[i] * decay - step * (mi / (__builtin_sqrtf(vi) / bc2_sqrt + epsilon));
  }
}
