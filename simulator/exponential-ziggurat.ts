/**
 * Standard exponential draws (mean 1) by the ziggurat method (Marsaglia & Tsang, "The Ziggurat Method
 * for Generating Random Variables", Journal of Statistical Software 5(8), 2000), 256 layers.
 *
 * Why not -log(1 - u): exponential draws are the simulator's commonest (every Poisson arrival, every
 * exponential handle time and patience), and Math.log costs about as much as the rest of a draw.
 * The ziggurat covers the density with 256 layers of equal area; a draw picks a layer and a point in
 * it from one 32-bit word, and about 99% of the time the point lies under the curve for certain, so
 * the draw is one multiplication. The rest (the layer's ragged edge, and the tail beyond R, which is
 * R plus another exponential because the exponential forgets) fall back on an exact rejection test.
 *
 * One deviation from the paper's code: the layer index is the word's low 8 bits and the position in
 * the layer its high 24 bits, so the two are independent (the paper reuses the low bits for both).
 */
import type { Rng } from "./rng.ts";

const LAYERS = 256;
/** Right edge of the base layer: where the tail starts. */
const R = 7.697117470131487;
/** Area of every layer (and of the base layer with its tail). */
const AREA = 3.949659822581572e-3;
const SPAN = 2 ** 24; // positions within a layer: the word's high 24 bits

/**
 * Per layer i: WIDTH[i] turns a position into x (the layer's right edge over SPAN); INSIDE[i] is the
 * position below which the point is certainly under the curve (the width of the layer above it, in
 * positions); HEIGHT[i] is the density at the layer's right edge, so layer i spans heights
 * HEIGHT[i]..HEIGHT[i - 1]. Layer 0 is the base: a rectangle of width AREA / f(R) standing in for
 * the strip under the curve up to R plus the tail.
 */
const WIDTH = new Float64Array(LAYERS);
const INSIDE = new Float64Array(LAYERS);
const HEIGHT = new Float64Array(LAYERS);
{
  const baseWidth = AREA / Math.exp(-R);
  WIDTH[0] = baseWidth / SPAN;
  INSIDE[0] = (R / baseWidth) * SPAN;
  HEIGHT[0] = 1;
  WIDTH[LAYERS - 1] = R / SPAN;
  HEIGHT[LAYERS - 1] = Math.exp(-R);
  let edge = R;
  for (let i = LAYERS - 2; i >= 1; i--) {
    // The layer from x_i up to x_{i+1} has area x_{i+1} · (f(x_i) − f(x_{i+1})) = AREA.
    const inner = -Math.log(AREA / edge + Math.exp(-edge));
    INSIDE[i + 1] = (inner / edge) * SPAN;
    edge = inner;
    HEIGHT[i] = Math.exp(-inner);
    WIDTH[i] = inner / SPAN;
  }
  INSIDE[1] = 0; // the top layer is all ragged edge
}

/**
 * One draw from the exponential distribution with mean 1. Only the common case is written here, so
 * that V8 inlines it into its callers (a call it does not inline returns the draw boxed on the heap).
 */
export function standardExponential(rng: Rng): number {
  const word = rng.nextUint32();
  const layer = word & (LAYERS - 1);
  const position = word >>> 8;
  if (position < (INSIDE[layer] as number)) return position * (WIDTH[layer] as number);
  return beyondTheCore(rng, layer, position);
}

/** The rest of a draw whose first point fell on a layer's ragged edge or in the base layer (about 1%). */
function beyondTheCore(rng: Rng, firstLayer: number, firstPosition: number): number {
  let layer = firstLayer;
  let position = firstPosition;
  for (;;) {
    if (layer === 0) return R - Math.log(1 - rng.next()); // 1 - u is in (0, 1]: log never sees 0
    const x = position * (WIDTH[layer] as number);
    const below = HEIGHT[layer] as number;
    const above = HEIGHT[layer - 1] as number;
    if (below + rng.next() * (above - below) < Math.exp(-x)) return x;
    const word = rng.nextUint32();
    layer = word & (LAYERS - 1);
    position = word >>> 8;
    if (position < (INSIDE[layer] as number)) return position * (WIDTH[layer] as number);
  }
}
