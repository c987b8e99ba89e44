"""Benchmarks: `make bench` runs every module here that has a `main()`; one module per
feature (`python -m bench.<feature>` runs one). Figures go in README.md."""
