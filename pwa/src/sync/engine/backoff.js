// Capped exponential backoff with "full jitter": after the n-th failure in a row wait a
// random time in [base/2, min(cap, base * 2^(n-1))], so phones that lost the network
// together do not come back together.
export function backoffDelay(failures, { base = 2000, cap = 300000, random = Math.random } = {}) {
  if (failures <= 0) return 0;
  const ceiling = Math.min(cap, base * 2 ** Math.min(failures - 1, 30));
  const floor = Math.min(base / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
