/** A faker instance driven by our seeded generator, so names, emails and addresses follow the seed too. */
import { base, en, Faker, type Randomizer } from "@faker-js/faker";
import { createRng, type Rng } from "./rng.ts";

export function seededFaker(rng: Rng): Faker {
  let source = rng;
  const randomizer: Randomizer = {
    next: () => source.next(),
    seed: (seed: number | number[]) => {
      source = createRng(Array.isArray(seed) ? (seed[0] ?? 0) : seed);
    },
  };
  return new Faker({ locale: [en, base], randomizer });
}
