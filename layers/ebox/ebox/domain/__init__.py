"""The e-Box domain: rules about enterprises, messages and publications. No AWS in here."""
