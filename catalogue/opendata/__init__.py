"""Bulk downloads of the whole published catalogue (/data/): CSV files and one JSON file, zipped, with a
data dictionary generated from the same serializer fields as the rows, so the two cannot drift.

- `tables`: what each file holds (a serializer per table) and the dictionary read from it; reviews
  registers its own tables (reviews/opendata.py), since the catalogue never imports reviews;
- `build`: the zip, cached until the catalogue next changes, and its checksum;
- `load`: reading the files back into an empty database (tested: nothing lost).
"""
