"""Evidence reviews and meta-analyses. They build on catalogue studies; the catalogue never imports this app."""
