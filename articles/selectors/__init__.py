"""Reads, with their joins and prefetches decided once. One module per consumer."""
