"""Adapters: the only code that talks to AWS. Each takes its client as a parameter."""
