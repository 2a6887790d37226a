"""Benchmarks of the e-Box (`make bench`): each figure printed beside a floor measured in the same run."""
