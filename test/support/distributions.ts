/**
 * Response-time distributions (seconds) as SQL over `u`, a uniform in (0, 1], for the percentile
 * specs: skewed, multi-modal, heavy-tailed and tied data.
 */

// A standard normal by Box-Muller (random_normal() is PostgreSQL 16 and newer; these specs also run on 15).
const NORMAL = `(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))`;

export const DISTRIBUTIONS: Record<string, string> = {
  skewed: `exp(ln(0.2) + 1.6 * ${NORMAL})`, // log-normal, σ = 1.6
  multimodal: `CASE WHEN u < 0.55 THEN abs(0.012 * (1 + 0.1 * ${NORMAL})) WHEN u < 0.9 THEN 0.35 * exp(0.15 * ${NORMAL}) ELSE 4 + 2 * random() END`,
  heavy: `0.005 / power(u, 1 / 1.1)`, // Pareto, α = 1.1: infinite variance
  ties: `(floor(u * 4) * 0.25)`, // 0, 0.25, 0.5, 0.75: exact ties, and zeros
};
