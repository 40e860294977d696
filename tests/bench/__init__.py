"""Benchmarks, run by `atrium bench ...`; pytest does not collect them."""
