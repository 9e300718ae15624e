// LayerNorm over the last axis, forward and backward, for src/core/gpt2/layer_norm.ts on wasm: one pass per row
// instead of the ~10 tfjs kernels (and their [rows × C] temporaries) of the op-by-op form and the ~20 of its
// gradient. Float32 arithmetic in the op-by-op form's order: mean, then the mean of squared deviations,
// y = ((x − mean) · rstd) · γ + β with rstd = 1 / √(var + ε).
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

// Σ a[i]·b[i] over n floats (b = 0: Σ a[i]).
static float dot(const float *a, const float *b, unsigned n) {
  v128_t s = wasm_f32x4_splat(0.f);
  unsigned i = 0;
  if (b) for (; i + 4 <= n; i += 4) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  else for (; i + 4 <= n; i += 4) s = wasm_f32x4_add(s, wasm_v128_load(a + i));
  float t = hsum(s);
  for (; i < n; i++) t += b ? a[i] * b[i] : a[i];
  return t;
}

// y [rows, C] from x [rows, C], γ and β [C]; each row's mean and rstd are kept for the backward pass.
EXPORT(layer_norm) void layer_norm(const float *x, const float *g, const float *b, float *y, float *mean, float *rstd,
                                   unsigned rows, unsigned C, float eps) {
  for (unsigned r = 0; r < rows; r++, x += C, y += C) {
    const float m = dot(x, 0, C) / C;
    v128_t vm = wasm_f32x4_splat(m), acc = wasm_f32x4_splat(0.f);
    unsigned i = 0;
    for (; i + 4 <= C; i += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(x + i), vm);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(d, d));
    }
    float ss = hsum(acc);
    for (; i < C; i++) ss += (x[i] - m) * (x[i] - m);
    const float rs = 1.f / __builtin_sqrtf(ss / C + eps);
    v128_t vr = wasm_f32x4_splat(rs);
    for (i = 0; i + 4 <= C; i += 4) {
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i), vm), vr);
      wasm_v128_store(y + i, wasm_f32x4_add(wasm_f32x4_mul(xh, wasm_v128_load(g + i)), wasm_v128_load(b + i)));
    }
    for (; i < C; i++) y[i] = (x[i] - m) * rs * g[i] + b[i];
    mean[r] = m;
    rstd[r] = rs;
  }
}

// dx [rows, C], and dγ, dβ [C] (zeroed by the caller, summed over the rows), from dy, x, γ and the forward's
// mean and rstd: with x̂ = (x − mean)·rstd and d = dy·γ, dx = rstd·(d − mean(d) − x̂·mean(d·x̂)).
// `scratch` holds C floats (x̂ of one row).
EXPORT(layer_norm_grad) void layer_norm_grad(const float *dy, const float *x, const float *g, const float *mean,
                                             const float *rstd, float *dx, float *dg, float *db, float *scratch,
                                             unsigned rows, unsigned C) {
  for (unsigned r = 0; r < rows; r++, dy += C, x += C, dx += C) {
    const v128_t vm = wasm_f32x4_splat(mean[r]), vr = wasm_f32x4_splat(rstd[r]);
    v128_t sd = wasm_f32x4_splat(0.f), sdx = wasm_f32x4_splat(0.f);
    unsigned i = 0;
    for (; i + 4 <= C; i += 4) {
      v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + i), vm), vr), d = wasm_v128_load(dy + i);
      wasm_v128_store(scratch + i, xh);
      wasm_v128_store(dg + i, wasm_f32x4_add(wasm_v128_load(dg + i), wasm_f32x4_mul(d, xh)));
      wasm_v128_store(db + i, wasm_f32x4_add(wasm_v128_load(db + i), d));
      v128_t dd = wasm_f32x4_mul(d, wasm_v128_load(g + i));
      sd = wasm_f32x4_add(sd, dd);
      sdx = wasm_f32x4_add(sdx, wasm_f32x4_mul(dd, xh));
    }
    float s1 = hsum(sd), s2 = hsum(sdx);
    for (; i < C; i++) {
      const float xh = (x[i] - mean[r]) * rstd[r], dd = dy[i] * g[i];
      scratch[i] = xh;
      dg[i] += dy[i] * xh;
      db[i] += dy[i];
      s1 += dd;
      s2 += dd * xh;
    }
    const v128_t m1 = wasm_f32x4_splat(s1 / C), m2 = wasm_f32x4_splat(s2 / C);
    for (i = 0; i + 4 <= C; i += 4) {
      v128_t dd = wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_v128_load(g + i));
      v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(dd, m1), wasm_f32x4_mul(wasm_v128_load(scratch + i), m2));
      wasm_v128_store(dx + i, wasm_f32x4_mul(t, vr));
    }
    for (; i < C; i++) dx[i] = (dy[i] * g[i] - s1 / C - scratch[i] * (s2 / C)) * rstd[r];
  }
}
