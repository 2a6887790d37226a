"""The use cases: the steps of the asynchronous paths (dropped batches, downloads, notifications, audit,
qualified delivery) and the requests the routes hand over. Each receives only the ports it uses (a
dataclass of domain Protocols, built by ebox.wiring), so a handler or a route parses and calls one."""
