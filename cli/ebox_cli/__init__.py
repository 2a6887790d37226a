"""The `ebox` command: publish to an enterprise's e-Box, consult one, see what the local stack e-mailed."""
