"""Pure statistics for the Evidence Guidebook: no Django, no database, only numbers in and out.

- `stats.effects`: one study's effect size from the summary statistics it reports (Hedges' g,
  Cox index, risk and odds ratios, risk difference) and the improvement index.
- `stats.pooling`: meta-analysis of several studies' effects (inverse variance, DerSimonian–Laird,
  Mantel–Haenszel), as RevMan and metafor compute them.

`catalogue.statistics` and `reviews.statistics` re-export these names for code written before
the split.
"""
