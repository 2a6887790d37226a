"""The steps of the asynchronous paths (dropped packages, notifications, audit), with JSON-able
states in and out, so each Lambda handler only parses its event and calls one function here."""
