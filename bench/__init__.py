"""Benchmarks for ODCP; run each as `python -m bench.<name>` from the repository root."""
