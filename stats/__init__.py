"""Pure statistics for the Evidence Guidebook: no Django, no database, only numbers in and out.

- `stats.effects`: one study's effect size from the summary statistics it reports (Hedges' g,
  Cox index, risk and odds ratios, risk difference) and the improvement index.
- `stats.pooling`: meta-analysis of several studies' effects (inverse variance, DerSimonian–Laird,
  Mantel–Haenszel, Hartung–Knapp, prediction intervals, subgroup differences), as RevMan and
  metafor compute them; it also re-exports Egger's test from `stats.bias`.
- `stats.heterogeneity`: Cochran's Q, I² and the τ² estimators (DerSimonian–Laird, REML,
  Paule–Mandel).
- `stats.bias`: Egger's regression test for funnel-plot asymmetry.

`catalogue.statistics` and `reviews.statistics` re-export these names for code written before
the split.
"""
