"""flowersim's Python worker: runs a Flower App's ClientApp, unchanged, as flowersim virtual clients.

The server, the strategy and the engine are flowersim's (Java); this package is what runs in each
Python worker process (a process of the local pool, or a Ray actor): it imports the ClientApp once
and answers batches of client calls in flowersim's wire format (``wire``).
"""
